/** The command line of `npm run review`. */
import * as path from "path";

export const USAGE = `usage: npm run review -- --stack NAME [--stack-file PATH] [--preview-json FILE] [--full]
                         [--context N] [-- PULUMI_ARGS...]
  --stack NAME          the stack to preview (pulumi preview --json --diff --stack NAME, the pulumi on PATH)
  --stack-file PATH     its settings file, for the hosts (default: Pulumi.NAME.yaml in the project folder)
  --preview-json FILE   review a saved \`pulumi preview --json --diff\` instead of running one
  --full                also print every file of a host-tools bundle that is created or deleted
  --context N           N unchanged lines around each change (default: the whole file, every line shown)
  -- PULUMI_ARGS        passed on to pulumi preview (e.g. --cwd DIR, --target URN, --replace URN)`;

export interface ReviewArgs {
  stack: string;
  stackFile?: string;
  previewJson?: string;
  full: boolean;
  /** Unchanged lines shown around each change; undefined: the whole file. */
  context?: number;
  pulumiArgs: string[];
}

/** The parsed arguments, or a message (USAGE itself for --help). */
export function parseArgs(argv: string[]): ReviewArgs | string {
  const args: Partial<ReviewArgs> & { full: boolean; pulumiArgs: string[] } = { full: false, pulumiArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      args.pulumiArgs = argv.slice(i + 1);
      break;
    }
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("-")) return undefined;
      i++;
      return v;
    };
    const key = { "--stack": "stack", "-s": "stack", "--stack-file": "stackFile", "--preview-json": "previewJson" }[
      flag
    ];
    if (key) {
      const v = value();
      if (!v) return `${flag} needs a value\n${USAGE}`;
      (args as Record<string, unknown>)[key] = v;
    } else if (flag === "--context") {
      const v = value();
      if (!v || !/^\d+$/.test(v)) return `--context needs a number of lines\n${USAGE}`;
      args.context = Number(v);
    } else if (flag === "--full") args.full = true;
    else if (flag === "--help" || flag === "-h") return USAGE;
    else return `unknown argument: ${arg} (arguments for pulumi go after --)\n${USAGE}`;
  }
  if (!args.stack) return `--stack is required\n${USAGE}`;
  return args as ReviewArgs;
}

/** The folder pulumi runs in: the project folder, or the one a --cwd/-C among pulumi's arguments names. */
export function projectDir(pulumiArgs: string[], cwd: string): string {
  for (let i = 0; i < pulumiArgs.length; i++) {
    const a = pulumiArgs[i];
    if ((a === "--cwd" || a === "-C") && pulumiArgs[i + 1]) return path.resolve(cwd, pulumiArgs[i + 1]);
    if (a.startsWith("--cwd=")) return path.resolve(cwd, a.slice("--cwd=".length));
  }
  return cwd;
}

/** The stack settings file: --stack-file, else Pulumi.NAME.yaml beside the project's Pulumi.yaml. */
export function stackFilePath(args: Pick<ReviewArgs, "stack" | "stackFile">, project: string, cwd: string): string {
  if (args.stackFile) return path.resolve(cwd, args.stackFile);
  // A fully qualified stack (org/project/stack) has its settings under its last name.
  const name = args.stack.slice(args.stack.lastIndexOf("/") + 1);
  return path.join(project, `Pulumi.${name}.yaml`);
}
