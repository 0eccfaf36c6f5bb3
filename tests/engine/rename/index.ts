/**
 * One command on one lab node, for the rename check of lab/test-e2e.sh: its name comes from
 * config, so a second `pulumi up` with another name is a rename. `guarded: false` registers
 * a plain remote command (what a rename does without the ownership marker); `true` goes
 * through the program's hostCommand.
 */
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { hostCommand } from "../../../components/remote";

const config = new pulumi.Config();
const connection = {
  host: config.require("host"),
  user: "root",
  privateKey: config.requireSecret("sshPrivateKey"),
  hostKey: config.require("hostKey"),
};
const name = config.require("commandName");
const create = "mkdir -p /root/rename-test && echo created >> /root/rename-test/log";
const remove = "rm -rf /root/rename-test";

if (config.requireBoolean("guarded")) {
  hostCommand(name, { connection, sudo: false, create, delete: remove }, {});
} else {
  new command.remote.Command(
    name,
    { connection, create, delete: remove, addPreviousOutputInEnv: false },
    { deleteBeforeReplace: true },
  );
}
