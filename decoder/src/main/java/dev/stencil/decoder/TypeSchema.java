package dev.stencil.decoder;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema of a Java type, for {@code stencil.schema(Person.class)}: records and plain
 * classes become closed objects (record components, or non-static non-transient fields, in
 * declaration order; all required), and the usual value types map as
 * Jackson writes them: strings and chars, booleans, integers with the range of their Java type,
 * floating-point numbers, enums by name, arrays and collections, {@code Map<String, V>}.
 *
 * <p>Anything else (an interface, {@code Object}, a date, a recursive type) is an error naming the
 * field path, never a silently looser schema. {@code Optional} is not mapped (Jackson reads it only
 * with an extra module); every property is required.
 */
public final class TypeSchema {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private TypeSchema() {
    }

    /** The schema of {@code type}. */
    public static ObjectNode of(Class<?> type) {
        return schema(type, type.getSimpleName(), new ArrayList<>());
    }

    private static ObjectNode schema(Type type, String path, List<Class<?>> enclosing) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                return array(schema(args[0], path + "[]", enclosing));
            }
            if (Map.class.isAssignableFrom(raw)) {
                if (args[0] != String.class) {
                    throw new DecoderException(path + ": only maps with String keys have a JSON Schema, got " + p.getTypeName());
                }
                ObjectNode o = JSON.objectNode().put("type", "object");
                o.set("additionalProperties", schema(args[1], path + "{}", enclosing));
                return o;
            }
            throw new DecoderException(path + ": generic type " + p.getTypeName() + " has no JSON Schema mapping");
        }
        if (type instanceof GenericArrayType g) {
            return array(schema(g.getGenericComponentType(), path + "[]", enclosing));
        }
        if (!(type instanceof Class<?> c)) {
            throw new DecoderException(path + ": type " + type.getTypeName() + " has no JSON Schema mapping (a type variable or wildcard)");
        }
        if (c == String.class || c == CharSequence.class) {
            return JSON.objectNode().put("type", "string");
        }
        if (c == char.class || c == Character.class) {
            return JSON.objectNode().put("type", "string").put("minLength", 1).put("maxLength", 1);
        }
        if (c == boolean.class || c == Boolean.class) {
            return JSON.objectNode().put("type", "boolean");
        }
        if (c == byte.class || c == Byte.class) {
            return integer(Byte.MIN_VALUE, Byte.MAX_VALUE);
        }
        if (c == short.class || c == Short.class) {
            return integer(Short.MIN_VALUE, Short.MAX_VALUE);
        }
        if (c == int.class || c == Integer.class) {
            return integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (c == long.class || c == Long.class) {
            return integer(Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (c == BigInteger.class) {
            return JSON.objectNode().put("type", "integer");
        }
        if (c == float.class || c == Float.class || c == double.class || c == Double.class || c == BigDecimal.class) {
            return JSON.objectNode().put("type", "number");
        }
        if (c.isEnum()) {
            ArrayNode values = JSON.arrayNode();
            for (Object e : c.getEnumConstants()) {
                values.add(((Enum<?>) e).name());
            }
            ObjectNode o = JSON.objectNode();
            o.set("enum", values);
            return o;
        }
        if (c.isArray()) {
            return array(schema(c.getComponentType(), path + "[]", enclosing));
        }
        if (c.isPrimitive() || c.isInterface() || Modifier.isAbstract(c.getModifiers()) || c == Object.class
                || c.getName().startsWith("java.") || c.getName().startsWith("javax.")) {
            throw new DecoderException(path + ": type " + c.getName() + " has no JSON Schema mapping here "
                    + "(use records, classes with fields, strings, numbers, booleans, enums, lists or maps)");
        }
        if (enclosing.contains(c)) {
            throw new DecoderException(path + ": type " + c.getName() + " is recursive; a finite JSON Schema for it is not generated");
        }
        enclosing.add(c);
        ObjectNode properties = JSON.objectNode();
        ArrayNode required = JSON.arrayNode();
        if (c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) {
                property(properties, required, rc.getName(), rc.getGenericType(), rc.getType(), path, enclosing);
            }
        } else {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic()) {
                    property(properties, required, f.getName(), f.getGenericType(), f.getType(), path, enclosing);
                }
            }
        }
        enclosing.remove(enclosing.size() - 1);
        if (properties.isEmpty()) {
            throw new DecoderException(path + ": type " + c.getName() + " has no fields to generate");
        }
        ObjectNode o = JSON.objectNode().put("type", "object");
        o.set("properties", properties);
        o.set("required", required);
        o.put("additionalProperties", false);
        return o;
    }

    private static void property(ObjectNode properties, ArrayNode required, String name, Type generic, Class<?> raw, String path,
            List<Class<?>> enclosing) {
        properties.set(name, schema(generic, path + "." + name, enclosing));
        required.add(name);
    }

    private static ObjectNode integer(long min, long max) {
        return JSON.objectNode().put("type", "integer").put("minimum", min).put("maximum", max);
    }

    private static ObjectNode array(ObjectNode items) {
        ObjectNode o = JSON.objectNode().put("type", "array");
        o.set("items", items);
        return o;
    }
}
