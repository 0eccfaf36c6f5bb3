/**
 * npm run check -- --stack lab|PATH [--out DIR] [--json]
 * Renders every file the stack would write, per node, into a build folder and judges each
 * with the upstream tool (corosync -t, drbdadm, cibadmin/crm_verify/crm_simulate, shellcheck).
 * Touches no host. Exit code 0 when every judge passes, 1 on any failure, 2 on a usage error.
 */
import * as path from "path";
import { formatReport, runCheck } from "./check/index";

const USAGE =
  "usage: npm run check -- --stack NAME|PATH [--out DIR] [--json]\n  NAME: a stack with Pulumi.NAME.yaml in the " +
  "project; PATH: any stack settings file (e.g. examples/kopano.yaml)";

function parseArgs(argv: string[]): { stack: string; out?: string; json: boolean } | string {
  let stack: string | undefined;
  let out: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${arg} needs a value`);
      return v;
    };
    try {
      if (arg === "--stack" || arg === "-s") stack = value();
      else if (arg.startsWith("--stack=")) stack = arg.slice("--stack=".length);
      else if (arg === "--out" || arg === "-o") out = value();
      else if (arg.startsWith("--out=")) out = arg.slice("--out=".length);
      else if (arg === "--json") json = true;
      else if (arg === "--help" || arg === "-h") return USAGE;
      else if (!arg.startsWith("-") && !stack) stack = arg;
      else return `unknown argument: ${arg}\n${USAGE}`;
    } catch (e) {
      return `${(e as Error).message}\n${USAGE}`;
    }
  }
  return stack ? { stack, out, json } : `--stack is required\n${USAGE}`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === "string") {
    const help = args === USAGE;
    (help ? process.stdout : process.stderr).write(args + "\n");
    process.exit(help ? 0 : 2);
  }
  // A stack path is relative to where the command was typed (npm runs scripts in the project root).
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const stack = args.stack.includes("/") || args.stack.endsWith(".yaml") ? path.resolve(cwd, args.stack) : args.stack;
  const result = await runCheck(stack, { outDir: args.out && path.resolve(cwd, args.out) });
  process.stdout.write(args.json ? JSON.stringify(result, null, 2) + "\n" : formatReport(result, cwd));
  process.exit(result.ok ? 0 : 1);
}

main().catch((e) => {
  process.stderr.write(`check: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
