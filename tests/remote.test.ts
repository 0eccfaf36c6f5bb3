/**
 * components/remote.ts: the ownership marker that keeps a renamed step's old delete from
 * undoing what its successor did. The create and delete lines run for real in sh, with the
 * marker folder and the undone thing in a temporary directory.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { claimingCreate, ownedDelete, shq } from "../components/remote";

const sh = (line: string) => spawnSync("sh", ["-c", line], { encoding: "utf8" });

describe("rename: create the new name, then delete the old one (the engine's order)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zha-owner-"));
  const owners = path.join(dir, "owners");
  const target = path.join(dir, "tools");
  const create = `mkdir -p ${shq(target)}`;
  const remove = `rm -rf ${shq(target)}`;

  test("the old name's delete keeps what the new name owns; the new name's delete removes it", () => {
    expect(sh(claimingCreate(create, remove, "primary-tools", owners)).status).toBe(0);
    expect(sh(claimingCreate(create, remove, "alpha-tools", owners)).status).toBe(0);
    const old = sh(ownedDelete(remove, "primary-tools", owners));
    expect(old.status).toBe(0);
    expect(old.stdout).toContain("kept: owned by alpha-tools, not by primary-tools");
    expect(fs.existsSync(target)).toBe(true);
    expect(sh(ownedDelete(remove, "alpha-tools", owners)).status).toBe(0);
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.readdirSync(owners)).toEqual([]);
  });

  test("without a marker (nothing claimed it) the delete runs", () => {
    fs.mkdirSync(target, { recursive: true });
    expect(sh(ownedDelete(remove, "primary-tools", owners)).status).toBe(0);
    expect(fs.existsSync(target)).toBe(false);
  });

  test("a failed create claims nothing", () => {
    expect(sh(claimingCreate("false", remove, "beta-tools", owners)).status).not.toBe(0);
    fs.mkdirSync(target, { recursive: true });
    expect(sh(ownedDelete(remove, "gamma-tools", owners)).status).toBe(0);
    expect(fs.existsSync(target)).toBe(false);
  });

  test("two steps with different deletes have different markers", () => {
    const other = `rm -f ${shq(path.join(dir, "other"))}`;
    sh(claimingCreate("true", remove, "a", owners));
    sh(claimingCreate("true", other, "b", owners));
    expect(fs.readdirSync(owners).length).toBe(2);
  });
});
