// Writes every age test vector of the C2SP CCTV testkit (npm package cctv-age, which embeds each
// file of CCTV's age/testdata as a module export of the same name) into the folder given, one
// file per vector, byte for byte. Usage: node write-vectors.mjs FOLDER
import * as vectors from "cctv-age";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const folder = process.argv[2];
if (!folder) {
  console.error("usage: node write-vectors.mjs FOLDER");
  process.exit(2);
}
mkdirSync(folder, { recursive: true });
let count = 0;
for (const [name, bytes] of Object.entries(vectors)) {
  writeFileSync(join(folder, name), bytes);
  count++;
}
console.log(count);
