/**
 * The automated Zimbra install, between the DRBD initialisation and the Pacemaker
 * configuration. On every node: a preflight (FQDN → VIP, 127.0.0.1 → localhost,
 * prerequisites). On the active node (the DRBD resource's initialPrimary), in order:
 * installer fetched or uploaded and its SHA-256 verified → hold (DRBD promoted, mounted on
 * the Zimbra directory, VIP added) → software (`install.sh -s` from a defaults file) →
 * configuration (`zmsetup.pl -c` from the rendered file, on secret stdin) → agent (Zimbra
 * stopped through ocf:zimbra-ha:zimbra, validated) → release (unmounted, demoted, VIP
 * removed) so Pacemaker takes over. The passive node gets the installer's system footprint
 * (same uid/gid, sudoers, logrotate, syslog, dependency packages) from the active node's
 * capture. Both nodes: Zimbra's boot start disabled, and zimbra's crontab kept only where
 * the tree is mounted. Every host step is idempotent and, once Zimbra is installed, a
 * re-run never runs the installer again.
 */
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { cibIds } from "./cib-ids";
import { HostFile, UPLOAD_DIR } from "./host-paths";
import { Node } from "./Node";
import { HostSteps, putFile, tool } from "./remote";
import { installerPath, renderZmsetupFor, ZmsetupPlainView } from "./render/zimbra";

/** Where a local installer is uploaded before it is verified (owned by the SSH user, 0700). */

export interface ZimbraInstallArgs {
  /** Nodes that can run Zimbra: the holders of the DRBD resource. */
  nodes: Node[];
  /** Node that installs: the DRBD resource's initialPrimary. */
  activeNode: string;
  /** The DRBD resource whose filesystem holds /opt/zimbra, and how to mount it. */
  drbd: { resource: string; minor: number; mountPoint: string; fsType: string; mountOptions: string };
  /** VIP added on the active node while installing: the public FQDN resolves to it. */
  vip: { address: string; cidr: number; nic: string };
  /** The cluster's public FQDN, Zimbra's server name. */
  fqdn: string;
  /** Prerequisite packages per node name, checked by the preflight (the Node step installs them). */
  prerequisites: Record<string, string[]>;
  /** Installer source (exactly one of url / localPath) and its SHA-256. */
  installer: { url?: string; localPath?: string; sha256: string };
  /** ZCS packages to install (INSTALL_PACKAGES). */
  packages: string[];
  /** USE_ZIMBRA_PACKAGE_SERVER for install.sh. */
  useZimbraPackageServer: boolean;
  /** Pass --platform-override to install.sh. */
  platformOverride: boolean;
  /** Seconds install.sh may take. */
  installTimeout: number;
  /** Seconds zmsetup.pl may take. */
  configureTimeout: number;
  /** zmsetup.pl configuration without its secrets (render/zimbra.ts). */
  config: ZmsetupPlainView;
  /** /etc/cron.d file on every node that can run Zimbra (render/zimbra.ts). */
  cronD: HostFile;
  /** Admin password (secret, from the stack config). */
  adminPassword: pulumi.Input<string>;
  /** Done first: the DRBD resource's initialisation (DrbdResource.ready). */
  after: pulumi.Resource[];
}

export class ZimbraInstall extends pulumi.ComponentResource {
  /** The admin account created at install. */
  public readonly adminAccount: string;
  /** Its password (secret): the configured one, or the generated one. */
  public readonly adminPassword: pulumi.Output<string>;
  /** What the software step found or did. */
  public readonly installation: pulumi.Output<string>;
  /** What the passive node received. */
  public readonly footprint: pulumi.Output<string>;
  /** Pacemaker may manage Zimbra once these are done. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: ZimbraInstallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zimbra-ha:zimbra:ZimbraInstall", name, {}, opts);
    const inst = args.installer;
    if ((inst.url === undefined) === (inst.localPath === undefined))
      throw new pulumi.ResourceError("ZimbraInstall: give exactly one of installer.url and installer.localPath", this);
    const active = args.nodes.find((n) => n.name === args.activeNode);
    if (!active)
      throw new pulumi.ResourceError(
        `ZimbraInstall: active node ${args.activeNode} is not among the nodes ` +
          `(${args.nodes.map((n) => n.name).join(", ")})`,
        this,
      );
    const passive = args.nodes.filter((n) => n !== active);
    const d = args.drbd;

    const steps = new HostSteps(this, name);

    const password = pulumi.secret(args.adminPassword);
    const config = pulumi.secret(
      password.apply((adminPassword) => renderZmsetupFor(args.config, args.fqdn, adminPassword)),
    );

    // Every node: the checks the installer and a later failover rely on.
    const preflight = new Map(
      args.nodes.map((node) => [
        node.name,
        steps.on(
          node,
          "preflight",
          tool("zimbra-preflight.sh", args.fqdn, args.vip.address, ...(args.prerequisites[node.name] ?? [])),
          node.ready,
        ),
      ]),
    );

    // Active node: the installer, verified before anything uses it.
    const tarball = installerPath(inst.sha256);
    let installer: command.remote.Command;
    if (inst.url !== undefined) {
      installer = steps.on(
        active,
        "installer",
        tool("zimbra-fetch.sh", "url", inst.url, inst.sha256, tarball),
        [preflight.get(active.name)!],
        {
          delete: tool("zimbra-fetch.sh", "--remove", tarball),
        },
      );
    } else {
      // stdin is text: a binary tarball goes up with CopyToRemote, into a directory only the SSH user can write.
      const uploadDir = steps.on(
        active,
        "upload-dir",
        `install -d -m 0700 -o "\${SUDO_USER:-root}" ${UPLOAD_DIR}`,
        [preflight.get(active.name)!],
        { delete: `rm -rf ${UPLOAD_DIR}` },
      );
      const uploaded = `${UPLOAD_DIR}/zcs-${inst.sha256.slice(0, 16)}.tgz`;
      const upload = new command.remote.CopyToRemote(
        `${name}-upload-${active.name}`,
        {
          connection: active.connection,
          source: new pulumi.asset.FileAsset(inst.localPath!),
          remotePath: uploaded,
          triggers: [inst.sha256],
        },
        { parent: this, dependsOn: [uploadDir], deleteBeforeReplace: true },
      );
      installer = steps.on(
        active,
        "installer",
        tool("zimbra-fetch.sh", "file", uploaded, inst.sha256, tarball),
        [upload],
        {
          delete: tool("zimbra-fetch.sh", "--remove", tarball, UPLOAD_DIR),
        },
      );
    }

    const hold = steps.on(
      active,
      "hold",
      tool(
        "zimbra-hold.sh",
        "acquire",
        d.resource,
        d.minor,
        d.mountPoint,
        d.fsType,
        d.mountOptions,
        args.vip.address,
        args.vip.cidr,
        args.vip.nic,
        cibIds.filesystem(d.resource),
      ),
      [...args.after, installer, ...preflight.values()],
    );
    const software = steps.on(
      active,
      "software",
      tool(
        "zimbra-software.sh",
        d.mountPoint,
        tarball,
        inst.sha256,
        args.packages.join(","),
        args.useZimbraPackageServer ? "yes" : "no",
        args.platformOverride ? "yes" : "no",
        args.installTimeout,
      ),
      [hold],
    );
    const configure = steps.on(
      active,
      "configure",
      tool("zimbra-configure.sh", d.mountPoint, args.configureTimeout),
      [software],
      { stdin: config, secret: true },
    );
    const agent = steps.on(active, "agent", tool("zimbra-agent-check.sh", d.mountPoint), [configure]);
    const capture = steps.on(active, "footprint", tool("zimbra-footprint.sh", "capture"), [configure]);
    const release = steps.on(
      active,
      "release",
      tool("zimbra-hold.sh", "release", d.resource, d.mountPoint, args.vip.address, args.vip.cidr, args.vip.nic),
      [agent, capture],
    );

    const cron = (node: Node, deps: pulumi.Resource[]) =>
      steps.on(node, "cron", putFile(args.cronD), deps, {
        stdin: args.cronD.content,
        delete: `rm -f ${args.cronD.path}`,
      });
    const ready: pulumi.Resource[] = [
      release,
      cron(active, [capture]),
      steps.on(active, "boot", tool("zimbra-boot.sh"), [agent]),
    ];
    const applied = passive.map((node) => {
      const apply = steps.on(
        node,
        "footprint",
        tool("zimbra-footprint.sh", "apply"),
        [preflight.get(node.name)!, capture],
        { stdin: capture.stdout },
      );
      ready.push(apply, cron(node, [apply]), steps.on(node, "boot", tool("zimbra-boot.sh"), [apply]));
      return apply.stdout;
    });

    this.adminAccount = args.config.adminAccount;
    this.adminPassword = pulumi.secret(password);
    this.installation = software.stdout;
    this.footprint = pulumi.all(applied).apply((outs) => outs.map((o) => o.trim()).join("\n"));
    this.ready = ready;
    this.registerOutputs({
      adminAccount: this.adminAccount,
      adminPassword: this.adminPassword,
      installation: this.installation,
      footprint: this.footprint,
    });
  }
}
