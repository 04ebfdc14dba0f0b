// typage (npm age-encryption), the TypeScript age implementation by age's author, as a small CLI
// for interoperability tests, since the age in Debian (1.1) predates post-quantum keys:
//   node typage.mjs keygen                      prints a new post-quantum identity (AGE-SECRET-KEY-PQ-1...)
//   node typage.mjs recipient IDENTITY          prints its recipient (age1pq1... or age1...)
//   node typage.mjs encrypt RECIPIENT IN OUT    encrypts file IN to RECIPIENT
//   node typage.mjs decrypt IDENTITY IN OUT     decrypts file IN with IDENTITY
import { Decrypter, Encrypter, generateHybridIdentity, identityToRecipient } from "age-encryption";
import { readFileSync, writeFileSync } from "node:fs";

const [command, ...args] = process.argv.slice(2);
try {
  switch (command) {
    case "keygen":
      console.log(await generateHybridIdentity());
      break;
    case "recipient":
      console.log(await identityToRecipient(args[0]));
      break;
    case "encrypt": {
      const e = new Encrypter();
      e.addRecipient(args[0]);
      writeFileSync(args[2], await e.encrypt(readFileSync(args[1])));
      break;
    }
    case "decrypt": {
      const d = new Decrypter();
      d.addIdentity(args[0]);
      writeFileSync(args[2], await d.decrypt(readFileSync(args[1])));
      break;
    }
    default:
      console.error("usage: node typage.mjs keygen | recipient IDENTITY | encrypt RECIPIENT IN OUT | decrypt IDENTITY IN OUT");
      process.exit(2);
  }
} catch (e) {
  console.error(`typage ${command}: ${e.message}`);
  process.exit(1);
}
