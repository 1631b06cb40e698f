package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The schema documents of one compilation and the identifiers in them: {@code $id}/{@code id} base
 * URIs, {@code $anchor}s and draft 4-7 fragment ids, so that {@code $ref} resolves as the spec says.
 * Only keywords that hold subschemas are walked: an {@code $id} inside {@code enum}, {@code const} or
 * an unknown keyword is data, not an identifier.
 */
final class SchemaResources {
    /** The base URI of a document with no {@code $id}: never fetched, just something to resolve against. */
    static final URI DEFAULT_BASE = URI.create("https://stencil.invalid/schema.json");

    private static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "$defs", "definitions",
            "dependentSchemas");
    private static final Set<String> SCHEMA_ARRAYS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final Set<String> SCHEMA_VALUES = Set.of("not", "if", "then", "else", "additionalProperties",
            "additionalItems", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems",
            "contentSchema");

    private final Map<String, SchemaNode> byUri = new HashMap<>();
    private final Map<JsonNode, SchemaNode> byIdentity = new IdentityHashMap<>();
    private final Function<URI, JsonNode> remoteLoader;

    /**
     * @param remoteLoader returns the document at a URI no loaded document declares, or null; used for
     *     {@code $ref}s to other files (e.g. the test suite's {@code http://localhost:1234/} remotes)
     */
    SchemaResources(Function<URI, JsonNode> remoteLoader) {
        this.remoteLoader = remoteLoader;
    }

    /** Registers a document and every subschema in it; returns its root. */
    SchemaNode addDocument(URI retrievalUri, JsonNode document, Draft defaultDraft) {
        String docName = retrievalUri.equals(DEFAULT_BASE) ? "" : stripFragment(retrievalUri).toString();
        Draft draft = Draft.of(document, defaultDraft, docName + "#");
        SchemaNode root = new SchemaNode(document, stripFragment(retrievalUri), docName + "#", draft);
        byUri.putIfAbsent(stripFragment(retrievalUri).toString(), root);
        walk(root, stripFragment(retrievalUri), true);
        return byIdentity.get(document);
    }

    private void walk(SchemaNode at, URI parentBase, boolean documentRoot) {
        JsonNode json = at.json();
        if (!json.isObject()) {
            byIdentity.putIfAbsent(json, at);
            return;
        }
        Draft draft = documentRoot ? at.draft() : Draft.of(json, at.draft(), at.pointer());
        URI base = parentBase;
        JsonNode id = json.get(draft.idKeyword());
        boolean refOnly = draft.refOverridesSiblings() && json.has("$ref");
        URI resolved = null;
        boolean plainNameId = false;
        if (id != null && id.isTextual() && !refOnly) {
            String idText = id.asText();
            resolved = resolve(parentBase, idText, at);
            // draft 4-7 "#name" is a location-independent identifier: a plain-name fragment, same base
            plainNameId = idText.startsWith("#") && draft.compareTo(Draft.DRAFT_2019_09) < 0;
            if (!plainNameId) {
                base = stripFragment(resolved);
            }
        }
        final URI childBase = base;
        // registered under its identifiers with its own base, so that refs inside a resource reached
        // by its $id resolve against that $id
        SchemaNode self = new SchemaNode(json, childBase, at.pointer(), draft);
        byIdentity.putIfAbsent(json, self);
        if (resolved != null) {
            if (plainNameId) {
                byUri.putIfAbsent(resolved.toString(), self);
            } else {
                byUri.putIfAbsent(base.toString(), self);
                String frag = resolved.getRawFragment();
                if (frag != null && !frag.isEmpty()) {
                    byUri.putIfAbsent(resolved.toString(), self);
                }
            }
        }
        JsonNode anchor = json.get("$anchor");
        if (anchor != null && anchor.isTextual() && draft.compareTo(Draft.DRAFT_2019_09) >= 0) {
            byUri.putIfAbsent(base + "#" + anchor.asText(), self);
        }
        Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String k = f.getKey();
            JsonNode v = f.getValue();
            String p = at.pointer() + "/" + escape(k);
            if (SCHEMA_MAPS.contains(k) && v.isObject()) {
                v.fields().forEachRemaining(e -> walk(child(e.getValue(), childBase, p + "/" + escape(e.getKey()), draft),
                        self.base(), false));
            } else if ((SCHEMA_ARRAYS.contains(k) || k.equals("items")) && v.isArray()) {
                for (int i = 0; i < v.size(); i++) {
                    walk(child(v.get(i), childBase, p + "/" + i, draft), self.base(), false);
                }
            } else if ((SCHEMA_VALUES.contains(k) || k.equals("items")) && (v.isObject() || v.isBoolean())) {
                walk(child(v, childBase, p, draft), self.base(), false);
            } else if (k.equals("dependencies") && v.isObject()) {
                v.fields().forEachRemaining(e -> {
                    if (e.getValue().isObject() || e.getValue().isBoolean()) {
                        walk(child(e.getValue(), childBase, p + "/" + escape(e.getKey()), draft), self.base(), false);
                    }
                });
            }
        }
    }

    private static SchemaNode child(JsonNode json, URI base, String pointer, Draft draft) {
        return new SchemaNode(json, base, pointer, draft);
    }

    /** The registered node for a subschema, or null if the walk did not reach it. */
    SchemaNode known(JsonNode json) {
        return byIdentity.get(json);
    }

    /** The schema a {@code $ref} in {@code from} points at. */
    SchemaNode resolveRef(String ref, SchemaNode from) {
        URI target = resolve(from.base(), ref, from);
        String frag = target.getRawFragment();
        URI doc = stripFragment(target);
        if (frag != null && !frag.isEmpty() && !frag.startsWith("/")) {
            SchemaNode anchored = byUri.get(target.toString());
            if (anchored == null) {
                loadRemote(doc, from);
                anchored = byUri.get(target.toString());
            }
            if (anchored == null) {
                throw new SchemaException("$ref", from.pointer(), "no anchor or id '" + target + "'");
            }
            return anchored;
        }
        SchemaNode resource = byUri.get(doc.toString());
        if (resource == null) {
            loadRemote(doc, from);
            resource = byUri.get(doc.toString());
        }
        if (resource == null) {
            throw new SchemaException("$ref", from.pointer(), "cannot resolve '" + ref + "' (as " + target + ")");
        }
        if (frag == null || frag.isEmpty()) {
            return resource;
        }
        String pointer = java.net.URLDecoder.decode(frag.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        JsonNode node;
        try {
            node = resource.json().at(pointer);
        } catch (IllegalArgumentException e) {
            throw new SchemaException("$ref", from.pointer(), "bad JSON pointer '" + pointer + "'");
        }
        if (node == null || node.isMissingNode()) {
            throw new SchemaException("$ref", from.pointer(), "'" + ref + "' points at nothing");
        }
        SchemaNode known = byIdentity.get(node);
        if (known != null) {
            return known;
        }
        // a pointer into something the walk did not treat as a schema (e.g. an unknown keyword)
        SchemaNode found = new SchemaNode(node, resource.base(), resource.pointer() + pointer, resource.draft());
        walk(found, resource.base(), false);
        return byIdentity.get(node);
    }

    private void loadRemote(URI doc, SchemaNode from) {
        if (remoteLoader == null) {
            return;
        }
        JsonNode remote = remoteLoader.apply(doc);
        if (remote != null) {
            addDocument(doc, remote, from.draft());
        }
    }

    private static URI resolve(URI base, String ref, SchemaNode at) {
        try {
            URI r = new URI(ref);
            if (ref.startsWith("#")) {
                // a fragment-only reference keeps the base as written (opaque URNs, file:/// URIs)
                return new URI(stripFragment(base) + ref);
            }
            if (base.getRawPath() == null || base.getRawPath().isEmpty()) {
                // java.net.URI resolves against "http://host" (no path) wrongly
                base = new URI(base.getScheme(), base.getRawAuthority(), "/", null, null);
            }
            return base.resolve(r);
        } catch (URISyntaxException e) {
            throw new SchemaException("$ref", at.pointer(), "not a URI reference: '" + ref + "'");
        }
    }

    static URI stripFragment(URI u) {
        String s = u.toString();
        int hash = s.indexOf('#');
        return hash < 0 ? u : URI.create(s.substring(0, hash));
    }

    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
