/**
 * Random secrets made once by a local command on the machine that runs Pulumi (Node.js is
 * there: it runs this program), kept in the state as secret outputs until the resource is
 * replaced. One provider less than @pulumi/random, whose engine plugin would have to be
 * built from the Terraform bridge.
 */
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { shq } from "./remote";

/** What to generate: base64 of N random bytes, or a word of N characters from an alphabet. */
export type RandomSecretSpec =
  | { kind: "bytes"; length: number }
  | { kind: "word"; length: number; alphabet: string; /** each of these character classes appears at least once */ require?: string[] };

/** The generator, a Node.js one-liner: reads the spec as JSON from argv, prints the value without a newline. */
const GENERATOR = [
  "const c=require('crypto');const s=JSON.parse(process.argv[1]);",
  "if(s.kind==='bytes'){process.stdout.write(c.randomBytes(s.length).toString('base64'));process.exit(0)}",
  "for(;;){let w='';for(let i=0;i<s.length;i++)w+=s.alphabet[c.randomInt(s.alphabet.length)];",
  "if((s.require||[]).every(r=>[...w].some(ch=>r.includes(ch)))){process.stdout.write(w);break}}",
].join("");

/** The command line that prints one value of `spec` (exported for tests, which run it). */
export function randomSecretCommand(spec: RandomSecretSpec): string {
  return `node -e ${shq(GENERATOR)} ${shq(JSON.stringify(spec))}`;
}

/** A random value, secret, generated at create and never again (`pulumi up --replace` renews it). */
export function randomSecret(name: string, spec: RandomSecretSpec, opts: pulumi.CustomResourceOptions = {}): pulumi.Output<string> {
  const generated = new command.local.Command(
    name,
    { create: randomSecretCommand(spec), logging: "none", addPreviousOutputInEnv: false },
    { ...opts, additionalSecretOutputs: ["stdout", "stderr"] },
  );
  return pulumi.secret(generated.stdout);
}
