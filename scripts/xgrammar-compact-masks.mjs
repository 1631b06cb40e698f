// Second mask oracle: dumps XGrammar's full per-step masks for its built-in JSON grammar with
// the whitespace removed (compact JSON, the same semantics as `stencil ... --whitespace compact
// --json-root container`), over the harness's default documents, so that Java can compare every
// bit (`./stencil check xgrammar`). Runs from the peer copy made by scripts/xgrammar-peer.sh:
//
//   scripts/xgrammar-peer.sh --script scripts/xgrammar-compact-masks.mjs \
//       --tokenizer ../shared/tokenizers/gpt2/tokenizer.json --docs ../shared/corpora/jsonschemabench/Github_easy \
//       --limit 200 --out target/xgrammar-gpt2
//
// Writes <out>.steps.tsv (doc, step, token, allowed) and <out>.masks.gz: per step, ceil(V/32)
// little-endian uint32 words, bit set = allowed (XGrammar's own bitmask layout).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const harness = process.env.XG_HARNESS;
if (!harness) throw new Error('set XG_HARNESS to the installed peer copy (scripts/xgrammar-peer.sh makes it)');
const lib = (f) => pathToFileURL(path.join(harness, 'lib', f)).href;
const { loadTokenizer, tokenizeAll } = await import(lib('tokenizer.mjs'));
const { loadDocs } = await import(lib('corpus.mjs'));
const { xg, buildTokenizerInfo, allowedIds } = await import(lib('engine.mjs'));

const meta = loadTokenizer(path.resolve(args.tokenizer));
const stopId = meta.stopTokenIds[0];
const docs = loadDocs(path.resolve(args.docs), Number(args.limit ?? 200), 'stringify');
const toks = await tokenizeAll(meta.tokenizer, docs.map((d) => d.text));

// XGrammar's built-in JSON grammar, printed by XGrammar itself, minus every whitespace run and
// the lookaheads that only guard whitespace: compact JSON with an object or array at the root.
const ebnf = (await xg.Grammar.builtinJSONGrammar()).toString();
const compact = ebnf.split('\n')
  .map((l) => l.replace(/ \(=\(.*\)\)$/, '').replace(/ ?\[ \\n\\t\]\*/g, ''))
  .join('\n');
const { ti } = await buildTokenizerInfo(meta);
const compiler = await xg.GrammarCompiler.createGrammarCompiler(ti, false);
const matcher = await xg.GrammarMatcher.createGrammarMatcher(await compiler.compileGrammar(compact, 'root'));

const out = path.resolve(args.out);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(`${out}.grammar.ebnf`, compact);
const steps = fs.createWriteStream(`${out}.steps.tsv`);
steps.write(`# vocab=${meta.vocabSize} words=${Math.ceil(meta.vocabSize / 32)} stop=${stopId}\n`);
steps.write('doc\tstep\ttoken\tallowed\n');
const gz = zlib.createGzip({ level: 6 });
const maskFile = fs.createWriteStream(`${out}.masks.gz`);
gz.pipe(maskFile);
const words = Math.ceil(meta.vocabSize / 32);
let rejected = 0;
for (let di = 0; di < docs.length; di++) {
  const ids = toks[di].ids;
  matcher.reset();
  for (let i = 0; i <= ids.length; i++) {
    const tok = i < ids.length ? ids[i] : stopId;
    const mask = await matcher.getNextTokenBitmask();
    const copy = new Uint32Array(words);
    copy.set(mask.subarray(0, words));
    if (!gz.write(Buffer.from(copy.buffer))) await new Promise((r) => gz.once('drain', r));
    steps.write(`${di}\t${i}\t${tok}\t${allowedIds(mask, meta.vocabSize).length}\n`);
    if (!matcher.acceptToken(tok)) { rejected++; break; }
  }
  if ((di + 1) % 50 === 0 || di + 1 === docs.length) process.stderr.write(`xgrammar compact masks: ${di + 1}/${docs.length} docs\n`);
}

gz.end();
steps.end();
await Promise.all([new Promise((r) => maskFile.on('finish', r)), new Promise((r) => steps.on('finish', r))]);
console.log(JSON.stringify({ docs: docs.length, rejected, out }));
