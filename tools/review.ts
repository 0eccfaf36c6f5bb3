/**
 * npm run review -- --stack NAME [--stack-file PATH] [--preview-json FILE] [--full] [--context N] [-- PULUMI_ARGS]
 * A reviewer's view of `pulumi preview`: every step that is not `same`, the host it runs on
 * (node, user@address:port, read from the program run under the mock runtime, as the engine
 * masks every connection), and the complete change of each input as a unified diff; the
 * host-tools bundle file by file. Secrets stay "[secret]" as the engine gives them.
 * Exit code 0 when the review is printed, 1 when the preview or the host mapping fails, 2 on a
 * usage error. See docs/REVIEW.md.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs, projectDir, stackFilePath, USAGE } from "./review/args";
import { clusterDiffers, formatReview } from "./review/format";
import { programHosts } from "./review/hosts";
import { parsePreview, Preview, previewArgs, previewErrors, previewResult, runPulumi } from "./review/preview";

class Failure extends Error {}

async function loadPreview(stack: string, previewJson: string | undefined, pulumiArgs: string[]): Promise<Preview> {
  if (previewJson) {
    const preview = parsePreview(fs.readFileSync(previewJson, "utf8"), previewJson);
    const errors = previewErrors(preview);
    if (errors.length) throw new Failure(`the saved preview ${previewJson} failed:\n${errors.join("\n")}`);
    return preview;
  }
  const run = await runPulumi(previewArgs(stack, pulumiArgs), process.cwd());
  const result = previewResult(run);
  if ("error" in result) throw new Failure(result.error);
  if (run.stderr.trim()) process.stderr.write(run.stderr);
  return result.preview;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === "string") {
    const help = args === USAGE;
    (help ? process.stdout : process.stderr).write(args + "\n");
    process.exit(help ? 0 : 2);
  }
  try {
    previewArgs(args.stack, args.pulumiArgs);
  } catch (e) {
    process.stderr.write(`review: ${(e as Error).message}\n`);
    process.exit(2);
  }
  // npm runs scripts in the project folder; a path the user typed is relative to where they typed it.
  const typedIn = process.env.INIT_CWD ?? process.cwd();
  const previewJson = args.previewJson && path.resolve(typedIn, args.previewJson);
  const stackFile = stackFilePath(args, projectDir(args.pulumiArgs, process.cwd()), typedIn);
  if (!fs.existsSync(stackFile))
    throw new Failure(`no stack settings file ${stackFile} (the hosts come from it): give it with --stack-file PATH`);
  const preview = await loadPreview(args.stack, previewJson, args.pulumiArgs);
  const program = await programHosts(stackFile);
  if (clusterDiffers(preview, program.cluster)) {
    process.stderr.write(
      `review: warning: the preview ran with another zimbra-ha:cluster than ${stackFile} holds; ` +
        "the hosts shown are the file's\n",
    );
  }
  process.stdout.write(formatReview(preview, program.hosts, { full: args.full, context: args.context }));
  process.exit(0);
}

main().catch((e) => {
  const message = e instanceof Failure ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
  process.stderr.write(`review: ${message}\n`);
  process.exit(1);
});
