/**
 * The files a stack writes, as its commands carry them: put-file.sh PATH writes its stdin to
 * PATH, cib-apply.sh merges its stdin (the CIB fragment) into the CIB. Nothing is re-rendered
 * from the config: what a rule reads is what the hosts would get.
 */
import { remoteCommands, StackResource, text } from "./resources";
import { scriptCalls } from "./shell-words";

export interface CarriedFile {
  /** The path on the host; for the CIB fragment, "CIB fragment". */
  path: string;
  content: string;
  /** The command that writes it. */
  resource: StackResource;
}

/** Files written with put-file.sh, with known content. */
export function writtenFiles(resources: StackResource[]): CarriedFile[] {
  return remoteCommands(resources).flatMap((resource) => {
    const create = text(resource.props.create);
    const content = text(resource.props.stdin);
    if (create === undefined || content === undefined) return [];
    return scriptCalls(create, "put-file.sh")
      .map((args) => args.filter((a) => !a.startsWith("--"))[0])
      .filter((path): path is string => path !== undefined)
      .map((path) => ({ path, content, resource }));
  });
}

export const corosyncConfs = (resources: StackResource[]) =>
  writtenFiles(resources).filter((f) => f.path === "/etc/corosync/corosync.conf");

export const drbdResFiles = (resources: StackResource[]) =>
  writtenFiles(resources).filter((f) => /^\/etc\/drbd\.d\/.+\.res$/.test(f.path));

export const CIB_FRAGMENT = "CIB fragment";

/** The CIB fragments merged by cib-apply.sh (not its --remove calls, which destroy runs). */
export function cibFragments(resources: StackResource[]): CarriedFile[] {
  return remoteCommands(resources).flatMap((resource) => {
    const create = text(resource.props.create);
    const content = text(resource.props.stdin);
    if (create === undefined || content === undefined) return [];
    const merges = scriptCalls(create, "cib-apply.sh").filter((args) => !args.includes("--remove"));
    return merges.length ? [{ path: CIB_FRAGMENT, content, resource }] : [];
  });
}

/** Every call of a host script in a command's create line, with the command. */
export function scriptRuns(resources: StackResource[], script: string): { args: string[]; resource: StackResource }[] {
  return remoteCommands(resources).flatMap((resource) => {
    const create = text(resource.props.create);
    return create === undefined ? [] : scriptCalls(create, script).map((args) => ({ args, resource }));
  });
}
