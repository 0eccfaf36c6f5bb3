/**
 * corosync.conf judge: `corosync -t -c FILE` per node, in a throwaway network namespace that
 * holds that node's ring addresses (corosync finds "the local node" by interface address).
 * Judge-side adaptations, none of which changes the rendered file's content:
 *  - corosync -t refuses to run without an authkey and reads /etc/corosync/authkey by default:
 *    the judge tests a copy with `keyfile:` pointing at a throwaway key in the build folder, and
 *    `logfile:` pointing into the build folder (corosync -t opens the log file);
 *  - corosync -t ignores keys it does not know (a misspelt `tokn:` silently leaves token at its
 *    default), so the judge also compares every key with those corosync.conf(5) of 3.1 lists.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ClusterConfig } from "../../../components/config";
import { lines, judgeNotInstalled } from "../exec";
import { runInNetns } from "../netns";
import { nodePath, RenderedFiles } from "../render";
import { fail, Item, judged, Section } from "../types";

const CONF = "/etc/corosync/corosync.conf";

/** Where and how a logging section (or one subsystem's) writes: corosync.conf(5). */
const LOG_TARGET_KEYS = [
  "to_stderr",
  "to_logfile",
  "to_syslog",
  "logfile",
  "logfile_priority",
  "syslog_facility",
  "syslog_priority",
  "debug",
];

/** Keys of corosync.conf(5), corosync 3.1, per section path. `ringN_addr` is matched by pattern. */
const KNOWN_KEYS: Record<string, string[]> = {
  totem: [
    "version",
    "cluster_name",
    "transport",
    "ip_version",
    "token",
    "token_warning",
    "token_coefficient",
    "token_retransmit",
    "hold",
    "token_retransmits_before_loss_const",
    "join",
    "send_join",
    "consensus",
    "merge",
    "downcheck",
    "fail_recv_const",
    "seqno_unchanged_const",
    "heartbeat_failures_allowed",
    "max_network_delay",
    "window_size",
    "max_messages",
    "miss_count_const",
    "knet_pmtud_interval",
    "knet_mtu",
    "knet_compression_model",
    "knet_compression_threshold",
    "knet_compression_level",
    "crypto_model",
    "crypto_cipher",
    "crypto_hash",
    "keyfile",
    "key",
    "link_mode",
    "secauth",
    "netmtu",
    "clear_node_high_bit",
    "config_version",
    "block_unlisted_ips",
    "cancel_token_hold_on_retransmit",
    "nodeid",
    "threads",
    "vsftype",
  ],
  "totem.interface": [
    "linknumber",
    "ringnumber",
    "knet_link_priority",
    "knet_ping_interval",
    "knet_ping_timeout",
    "knet_ping_precision",
    "knet_pong_count",
    "knet_transport",
    "bindnetaddr",
    "broadcast",
    "mcastaddr",
    "mcastport",
    "ttl",
  ],
  nodelist: [],
  "nodelist.node": ["name", "nodeid", "quorum_votes"],
  quorum: [
    "provider",
    "expected_votes",
    "two_node",
    "wait_for_all",
    "last_man_standing",
    "last_man_standing_window",
    "auto_tie_breaker",
    "auto_tie_breaker_node",
    "allow_downscale",
  ],
  logging: ["timestamp", "fileline", "function_name", "blackbox", ...LOG_TARGET_KEYS],
  "logging.logger_subsys": ["subsys", ...LOG_TARGET_KEYS],
  system: [
    "sched_rr",
    "priority",
    "qb_ipc_type",
    "move_to_root_cgroup",
    "allow_knet_handle_fallback",
    "state_dir",
    "run_dir",
  ],
  resources: [],
  nozzle: ["name", "ipaddr", "ipprefix", "macaddr"],
};
const RING_ADDR = /^ring\d+_addr$/;

/** Keys and sections corosync.conf(5) does not know, as "line N: key: ... in section{}" messages. */
export function unknownCorosyncKeys(text: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) return;
    const open = line.match(/^([A-Za-z0-9_.-]+)\s*\{$/);
    if (open) {
      const section = [...stack, open[1]].join(".");
      if (
        !(section in KNOWN_KEYS) &&
        section !== "quorum.device" &&
        !section.startsWith("quorum.device.") &&
        !section.startsWith("resources.")
      ) {
        problems.push(
          `line ${i + 1}: section '${open[1]}' is not a corosync.conf(5) section` +
            (stack.length ? ` inside ${stack.join(".")}{}` : ""),
        );
      }
      stack.push(open[1]);
      return;
    }
    if (line === "}") {
      stack.pop();
      return;
    }
    const pair = line.match(/^([A-Za-z0-9_.-]+)\s*:/);
    const section = stack.join(".");
    if (!pair) return void problems.push(`line ${i + 1}: '${line}' is neither 'key: value', 'section {' nor '}'`);
    const known = KNOWN_KEYS[section];
    if (!known) return; // an unknown section is reported once, above
    if (!known.includes(pair[1]) && !(section === "nodelist.node" && RING_ADDR.test(pair[1]))) {
      problems.push(
        `line ${i + 1}: '${pair[1]}' is not a key corosync.conf(5) knows in ${section}{} (corosync -t ignores it: ` +
          `the default applies)`,
      );
    }
  });
  return problems;
}

/**
 * The judge's copy: the rendered file plus `keyfile:` in totem (the throwaway key), and the log
 * file pointed into the sandbox (corosync -t opens it: judging must not write to /var/log).
 */
export function judgeCopy(conf: string, keyfile: string, logfile: string): string {
  let copy = /^\s*totem\s*\{/m.test(conf)
    ? conf.replace(/^(\s*totem\s*\{[^\n]*\n)/m, `$1    keyfile: ${keyfile}\n`)
    : conf;
  if (/^\s*logfile\s*:/m.test(copy)) copy = copy.replace(/^(\s*logfile\s*:\s*).*$/gm, `$1${logfile}`);
  else copy = copy.replace(/^(\s*logging\s*\{[^\n]*\n)/m, `$1    logfile: ${logfile}\n`);
  return copy;
}

const NOISE = [/Corosync Cluster Engine exiting normally/];
const tidy = (l: string) => l.replace(/^\w{3} +\d+ [\d:]+ +(\w+) +\[[A-Z ]+\] /, "$1: ");

export async function judgeCorosync(cfg: ClusterConfig, files: RenderedFiles, outDir: string): Promise<Section> {
  const section: Section = {
    id: "corosync",
    title: "Corosync: corosync -t per node",
    note:
      "each node's copy is tested in a throwaway network namespace holding that node's ring addresses, with " +
      "`keyfile:` pointing at a throwaway authkey and `logfile:` into the build folder",
    items: [],
  };
  const notInstalled = judgeNotInstalled("corosync");
  if (notInstalled) return { ...section, items: [notInstalled] };

  const sandbox = path.join(outDir, "judge", "corosync");
  fs.mkdirSync(sandbox, { recursive: true });
  const keyfile = path.join(sandbox, "authkey");
  fs.writeFileSync(keyfile, crypto.randomBytes(256), { mode: 0o400 });

  const items = await Promise.all(
    cfg.nodes.map(async (node): Promise<Item> => {
      const title = `${node.name}: ${CONF}`;
      const conf = files[nodePath(node.name, CONF)];
      if (conf === undefined) return fail(title, [`${CONF} was not rendered for node ${node.name}`]);
      const judgeConf = path.join(sandbox, `${node.name}.conf`);
      fs.writeFileSync(judgeConf, judgeCopy(conf, keyfile, path.join(sandbox, `${node.name}.log`)));
      const r = await runInNetns(node.ringAddresses, "corosync", ["-t", "-c", judgeConf], { timeoutMs: 30000 });
      const said = lines(r.stdout + r.stderr, NOISE).map(tidy);
      const problems = r.code === 0 ? [] : said.length ? said : [`corosync -t exited ${r.code}`];
      if (said.some((l) => /No valid name found for local host/.test(l))) {
        problems.push(
          `node ${node.name} (ring addresses ${node.ringAddresses.join(", ")}) is not in the nodelist with one of ` +
            `its addresses`,
        );
      }
      const lint = unknownCorosyncKeys(conf);
      return judged(title, [...problems, ...lint], [`$ ${r.command}`, ...(r.code === 0 ? said : [])]);
    }),
  );
  section.items.push(...items);
  return section;
}
