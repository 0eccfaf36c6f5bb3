/**
 * One host: connection, tools, distro check, packages; for a cluster node also its hostname,
 * /etc/hosts, boot services, drbd module and the application's files. The quorum device's
 * arbiter is a host too, but one the stack only installs on: its name and files stay its own.
 */
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { DRBD_MODULES_LOAD, HostFile, TOOLS_DIR, OCF_DIR } from "./host-paths";
import { Distro } from "./packages";
import { Connection, HostSteps, putFile, sha256, shq, tool } from "./remote";

export interface NodeArgs {
  /** Corosync/Pacemaker node name; also the host name. */
  name: string;
  /** Address SSH dials. */
  host: string;
  port: number;
  user: string;
  /** Pinned host key ("ssh-ed25519 AAAA..."). */
  hostKey?: string;
  /** Private key (secret). */
  privateKey: pulumi.Input<string>;
  dialErrorLimit: number;
  perDialTimeout: number;
  distro: Distro;
  /** Rendered tools bundle (see render/bundle.ts). */
  toolsBundle: string;
  /** Rendered /etc/hosts block. */
  hostsBlock: string;
  /** apt source lines; none leaves the host's sources alone. */
  aptSources: string[];
  /** The file that holds them (absent with none). */
  aptSourcesFile?: HostFile;
  packages: string[];
  /** Units whose boot-time start is disabled. */
  clusterManagedUnits: string[];
  /** Application configuration files, written after the packages. */
  files: HostFile[];
  /** The quorum device's host: no hostname, /etc/hosts block, boot services, DRBD or files. */
  arbiter?: boolean;
}

/** The file step's name part for a path: "/etc/postfix/main.cf" → "etc_postfix_main.cf". */
function fileStepId(path: string): string {
  return path.replace(/^\/+/, "").replace(/\//g, "_");
}

export class Node extends pulumi.ComponentResource {
  public readonly name: string;
  public readonly connection: Connection;
  public readonly sudo: boolean;
  /** Every other step on this host waits for these. */
  public readonly ready: pulumi.Resource[];
  public readonly distro: pulumi.Output<string>;

  constructor(name: string, args: NodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zimbra-ha:node:Node", name, {}, opts);
    this.name = args.name;
    this.sudo = args.user !== "root";
    this.connection = {
      host: args.host,
      port: args.port,
      user: args.user,
      privateKey: pulumi.secret(args.privateKey),
      hostKey: args.hostKey,
      dialErrorLimit: args.dialErrorLimit,
      perDialTimeout: args.perDialTimeout,
    };
    const steps = new HostSteps(this, name);

    const sudoCheck = this.sudo ? " && sudo -n true" : "";
    const readyCmd = steps.once(this, "ready", `echo "ready: $(uname -n) as $(id -un)"${sudoCheck}`, []);
    const tools = steps.once(this, "tools", "sh -s", [readyCmd], {
      stdin: args.toolsBundle,
      delete: `rm -rf ${TOOLS_DIR} ${OCF_DIR}`,
    });
    const detect = steps.once(this, "distro", tool("detect-distro.sh", args.name, args.distro), [tools]);
    const sourcesFile = args.aptSourcesFile;
    const aptSources: command.remote.Command[] = sourcesFile
      ? [
          steps.once(this, "apt-sources", putFile(sourcesFile), [detect], {
            stdin: sourcesFile.content,
            delete: `rm -f ${sourcesFile.path}`,
          }),
        ]
      : [];
    const packages = steps.once(
      this,
      "packages",
      tool("install-packages.sh", ...args.packages),
      [detect, ...aptSources],
      {
        rerunOn: args.aptSources.length ? [sha256(args.aptSources.join("\n"))] : [],
      },
    );
    if (args.arbiter) {
      this.distro = detect.stdout.apply((out) => (out ?? "").replace(/^distro: /, "").trim());
      this.ready = [tools, packages];
      this.registerOutputs({ distro: this.distro });
      return;
    }
    const hostname = steps.once(this, "hostname", tool("set-hostname.sh", args.name), [detect]);
    const hosts = steps.once(this, "hosts", tool("hosts-block.sh"), [detect], {
      stdin: args.hostsBlock,
      delete: tool("hosts-block.sh", "--remove"),
    });
    const bootServices = steps.once(this, "boot-services", tool("boot-services.sh", ...args.clusterManagedUnits), [
      packages,
    ]);
    const drbdModule = steps.once(this, "drbd-module", tool("drbd-module.sh"), [packages], {
      delete: `rm -f ${DRBD_MODULES_LOAD}`,
    });

    // Named by path, not by position: removing one entry deletes that file and touches no other.
    const files = args.files.map((file) =>
      steps.once(
        this,
        `file-${fileStepId(file.path)}`,
        putFile(file) + (file.path.startsWith("/etc/systemd/") ? " && systemctl daemon-reload" : ""),
        [packages],
        {
          stdin: file.content,
          delete: `rm -f ${shq(file.path)}`,
        },
      ),
    );

    // A step left out of `pulumi up --target` that was never created has no output at all.
    this.distro = detect.stdout.apply((out) => (out ?? "").replace(/^distro: /, "").trim());
    this.ready = [tools, hostname, hosts, packages, bootServices, drbdModule, ...files];
    this.registerOutputs({ distro: this.distro });
  }
}
