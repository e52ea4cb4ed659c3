// Subjects say what happened in words: Litestream's identifiers (generation
// ids, positions like be7a0689/00000000:131872, segment file names) stay in
// the body's details, where the reader has room for them, and out of subjects.

// A generation id: 16 lower-case hex digits (Litestream 0.3); positions and segment names as Litestream prints them.
const GENERATION = /\bgeneration [0-9a-f]{16}\b/g;
const POSITION = /\b[0-9a-f]{8,16}\/[0-9a-f]{8}:\d+\b/g;
const SEGMENT = /\b[0-9a-f]{8}(?:_[0-9a-f]{8})?\.(?:wal|snapshot)\.lz4\b/g;
// The identifier together with the noun naming it, so the sentence still reads: "WAL segment <file> cannot be read" → "a WAL segment cannot be read".
const NAMED_SEGMENT = /\b(WAL segment|snapshot) [0-9a-f]{8}(?:_[0-9a-f]{8})?\.(?:wal|snapshot)\.lz4\b/g;
// "generation <id>, the one a restore uses, has …" → "the generation a restore uses has …".
const GENERATION_THE_ONE = /\bgeneration [0-9a-f]{16}, the one ([^,()]+),/g;
// Litestream 0.5: LTX files "<minTXID>-<maxTXID>.ltx", and any other 16-hex-digit id (a TXID, a generation).
const LTX_FILE = /\b[0-9a-f]{16}-[0-9a-f]{16}\.ltx\b/g;
const HEX_ID = /\b(?=[0-9a-f]*\d)[0-9a-f]{16}\b/g;
// "LTX file level 2 <minTXID>-<maxTXID>.ltx is damaged" → "LTX file level 2 is damaged": the level already names the file.
const LEVEL_LTX_FILE = /\b(LTX file level \d+) [0-9a-f]{16}-[0-9a-f]{16}\.ltx\b/g;
// A checksum value in a sentence ("the trailer says <hex>, the content gives <hex>"): shortened, not replaced.
const CHECKSUM_VALUE = /\b(checksum|says|gives|give) ([0-9a-f]{8})[0-9a-f]{8}\b/g;
// A path or URL: a word starting with "/" or "<scheme>://"; kept as written (a directory named ltx/0 is not an LTX file).
const PATH = /(?<![\w/])(?:\/|[a-z][a-z0-9+.-]*:\/\/)[^\s"'()]*/gi;
// An aside in parentheses that only carries identifiers or offsets: "(generation …, index 3, offset 4152)".
const JARGON_ASIDE = /\s*\((?=[^()]*(?:\bgeneration\b|\bindex \d|\boffset \d|[0-9a-f]{8}\/|\.lz4\b|\.ltx\b))[^()]*\)/g;

/** `text` with Litestream identifiers taken out or named in words; whitespace tidied. */
export function plainWords(text: string): string {
  const paths: string[] = [];
  const masked = text.replace(JARGON_ASIDE, "").replace(PATH, (path) => `\u0000${paths.push(path) - 1}\u0000`);
  return outsidePaths(masked)
    .replace(/\u0000(\d+)\u0000/g, (_, i: string) => paths[Number(i)]!)
    .replace(/\s{2,}/g, " ")
    .trim();
}

function outsidePaths(text: string): string {
  return text
    .replace(/ of generation [0-9a-f]{16}\b/g, "")
    .replace(GENERATION_THE_ONE, "the generation $1")
    .replace(NAMED_SEGMENT, "a $1")
    .replace(GENERATION, "a generation")
    .replace(POSITION, "a Litestream position")
    .replace(SEGMENT, "a segment file")
    .replace(LEVEL_LTX_FILE, "$1")
    .replace(LTX_FILE, "an LTX file")
    .replace(/\bTXID [0-9a-f]{16}\b/g, "a TXID")
    .replace(CHECKSUM_VALUE, "$1 $2…")
    .replace(HEX_ID, "an identifier");
}
