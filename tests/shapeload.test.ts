/**
 * lab/shapeload.py and lab/standin/standin.py for real, on loopback: the stand-in serving a temporary directory,
 * the load against it and the read-back (stdlib only, python3); then the postgresql target against a temporary
 * PostgreSQL cluster, with pg8000 from lab/shapeload/requirements.txt in a virtual environment. Nothing is mocked:
 * a removed item or a deleted row must show as lost.
 */
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

const lab = path.join(__dirname, "..", "lab");
const shapeload = path.join(lab, "shapeload.py");
const standin = path.join(lab, "standin", "standin.py");
const requirements = path.join(lab, "shapeload", "requirements.txt");
const isRoot = process.getuid?.() === 0;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "shapeload-"));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

interface Standin {
  proc: ChildProcess;
  port: number;
  stderr: () => string;
}

// The stand-in on 127.0.0.1 (PORT 0: a free one, read from its start line). prefix: a command it runs under.
function startStandin(dir: string, port = 0, extra = ["--allow-unmounted"], prefix: string[] = []): Promise<Standin> {
  const args = [standin, "--dir", dir, "--port", String(port), "--bind", "127.0.0.1", "--name", "test", ...extra];
  const command = [...prefix, "python3", ...args];
  const proc = spawn(command[0], command.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  return new Promise((resolve, reject) => {
    proc.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /started, serving .* on 127\.0\.0\.1:(\d+)\n/.exec(stderr);
      if (m) resolve({ proc, port: Number(m[1]), stderr: () => stderr });
    });
    proc.on("exit", (code) => reject(new Error(`standin.py exited ${code}: ${stderr}`)));
  });
}

function stopStandin(s: Standin): Promise<number | null> {
  if (s.proc.exitCode !== null) return Promise.resolve(s.proc.exitCode);
  return new Promise((resolve) => {
    s.proc.once("exit", (code) => resolve(code));
    s.proc.kill("SIGTERM");
  });
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

// shapeload.py load until STOP exists: `during` runs while it writes, then STOP is created.
function load(python: string, args: string[], during: () => Promise<void>, env = process.env): Promise<Run> {
  const stop = args[3];
  const proc = spawn(python, [shapeload, "load", ...args], { env });
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return during().then(async () => {
    fs.writeFileSync(stop, "");
    return { status: await exited, stdout, stderr };
  });
}

interface Resource {
  acked: number;
  acked_since: number;
  found: number | null;
  lost: number | null;
  unexpected: number | null;
  longest_gap_s: number;
  errors: number;
  lost_n: number[];
  error: string | null;
}

function verify(
  python: string,
  args: string[],
  env = process.env,
): { status: number | null; out: { resources: Record<string, Resource>; acked: number; lost: number }; raw: Run } {
  const r = spawnSync(python, [shapeload, "verify", ...args], { encoding: "utf8", env });
  expect(r.stderr).toBe("");
  return { status: r.status, out: JSON.parse(r.stdout), raw: r };
}

function acked(file: string): number[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => {
      expect(line).toMatch(/^\d+ \d+\.\d{3}$/);
      return Number(line.split(" ")[0]);
    });
}

test("the stand-in refuses a data directory that is not a mount point, or none, and writes nothing there", () => {
  const dir = tempDir();
  try {
    const unmounted = spawnSync("python3", [standin, "--dir", dir, "--port", "0", "--bind", "127.0.0.1"], {
      encoding: "utf8",
    });
    expect(unmounted.status).toBe(1);
    expect(unmounted.stderr).toMatch(/refusing to start: .* is not a mount point/);
    expect(fs.readdirSync(dir)).toEqual([]);
    const missing = spawnSync("python3", [standin, "--dir", path.join(dir, "nope"), "--port", "0"], {
      encoding: "utf8",
    });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/refusing to start: .*nope does not exist/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the stand-in serves a data directory that is a mount point (a tmpfs, in a mount namespace)", async () => {
  expect(isRoot).toBe(true); // the lab's machines, developers' and CI's run as root
  const dir = tempDir();
  try {
    const mountThenRun = `mount -t tmpfs shapeload '${dir}' && exec "$@"`;
    const s = await startStandin(dir, 0, [], ["unshare", "-m", "sh", "-c", mountThenRun, "sh"]);
    const put = await fetch(`http://127.0.0.1:${s.port}/items/m.1`, { method: "PUT", body: "mounted\n" });
    expect(put.status).toBe(201);
    expect(await (await fetch(`http://127.0.0.1:${s.port}/items/m.1`)).text()).toBe("mounted\n");
    expect(await stopStandin(s)).toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]); // written to the tmpfs, gone with its namespace
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a PUT is on disk when 201 returns; reads, listing, health; one log line per start and stop", async () => {
  const dir = tempDir();
  const s = await startStandin(dir);
  const url = `http://127.0.0.1:${s.port}`;
  try {
    const put = await fetch(`${url}/items/r.t.1`, { method: "PUT", body: "first\n" });
    expect(put.status).toBe(201);
    expect(fs.readFileSync(path.join(dir, "items", "r.t.1"), "utf8")).toBe("first\n");
    expect((await fetch(`${url}/items/r.t.2`, { method: "PUT", body: "second\n" })).status).toBe(201);
    expect((await fetch(`${url}/items/other.1`, { method: "PUT", body: "x" })).status).toBe(201);
    expect(fs.readdirSync(path.join(dir, "items")).sort()).toEqual(["other.1", "r.t.1", "r.t.2"]); // no temporary

    const got = await fetch(`${url}/items/r.t.2`);
    expect([got.status, await got.text()]).toEqual([200, "second\n"]);
    expect((await fetch(`${url}/items/r.t.3`)).status).toBe(404);
    const listed = await fetch(`${url}/items?prefix=r.t.`);
    expect([listed.status, await listed.text()]).toEqual([200, "r.t.1\nr.t.2\n"]);
    const bad = await fetch(`${url}/items/.hidden`, { method: "PUT", body: "secret body" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toContain("secret body");
    expect((await fetch(`${url}/items/${"a".repeat(101)}`, { method: "PUT", body: "x" })).status).toBe(400);
    const health = await fetch(`${url}/health`);
    expect([health.status, await health.text()]).toEqual([200, "ok test\n"]);
  } finally {
    expect(await stopStandin(s)).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(s.stderr()).toMatch(/^standin test: started, serving .*\nstandin test: stopped\n$/);
});

test("load and verify over http: every acknowledged item read back; a removed one is lost (exit 1)", async () => {
  const dir = tempDir();
  const data = path.join(dir, "data");
  fs.mkdirSync(data);
  const acks = path.join(dir, "acks");
  const s = await startStandin(data);
  const target = `standin=http://127.0.0.1:${s.port}`;
  try {
    const down = await freePort(); // nothing listens there: a front end that does not answer
    const before = Date.now() / 1000;
    const run = await load(
      "python3",
      [
        "run1",
        "shape",
        acks,
        path.join(dir, "STOP"),
        target,
        "--web",
        `primary=http://127.0.0.1:${s.port}/health`,
        "--web",
        `secondary=http://127.0.0.1:${down}/`,
      ],
      () => sleep(2500),
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout).resources.standin;
    const numbers = acked(path.join(acks, "standin.acks"));
    expect(numbers.length).toBeGreaterThan(3);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1)); // numbered 1, 2, ... with nothing refused
    expect(summary).toMatchObject({ acked: numbers.length, attempts: numbers.length, errors: 0 });
    expect(JSON.parse(fs.readFileSync(path.join(acks, "standin.load.json"), "utf8"))).toEqual(summary);

    const ok = verify("python3", ["run1", "shape", acks, target, "--since", String(before), "--timeout", "0"]);
    expect(ok.status).toBe(0);
    expect(ok.out.resources.standin).toMatchObject({
      acked: numbers.length,
      acked_since: numbers.length,
      found: numbers.length,
      lost: 0,
      unexpected: 0,
      errors: 0,
      error: null,
    });
    expect(ok.out.resources.standin.longest_gap_s).toBeLessThan(2);
    expect([ok.out.acked, ok.out.lost]).toEqual([numbers.length, 0]);

    // An item written but never acknowledged: unexpected, not an error. One acknowledged and removed: lost.
    fs.writeFileSync(path.join(data, "items", `run1.shape.${numbers.length + 1}`), "x");
    fs.rmSync(path.join(data, "items", "run1.shape.2"));
    const lost = verify("python3", ["run1", "shape", acks, target, "--timeout", "0"]);
    expect(lost.status).toBe(1);
    expect(lost.out.resources.standin).toMatchObject({ found: numbers.length - 1, lost: 1, unexpected: 1 });
    expect(lost.out.resources.standin.lost_n).toEqual([2]);
    expect(lost.out.lost).toBe(1);

    const web = spawnSync("python3", [shapeload, "web-outages", acks], { encoding: "utf8" });
    expect(web.status).toBe(0);
    const nodes = JSON.parse(web.stdout).nodes;
    expect(nodes.primary.samples).toBeGreaterThanOrEqual(2);
    expect(nodes.primary).toMatchObject({ failed: 0, longest_s: 0 });
    expect(nodes.secondary.failed).toBe(nodes.secondary.samples);
    expect(nodes.secondary.longest_s).toBeGreaterThanOrEqual(1);
  } finally {
    await stopStandin(s);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the service stopped and started again under the load: errors and the gap recorded, nothing lost", async () => {
  const dir = tempDir();
  const data = path.join(dir, "data");
  fs.mkdirSync(data);
  const acks = path.join(dir, "acks");
  let s = await startStandin(data);
  const port = s.port;
  const target = `standin=http://127.0.0.1:${port}`;
  try {
    const run = await load("python3", ["run2", "restart", acks, path.join(dir, "STOP"), target], async () => {
      await sleep(1000);
      expect(await stopStandin(s)).toBe(0);
      await sleep(1500);
      s = await startStandin(data, port);
      await sleep(1500);
    });
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout).resources.standin;
    expect(summary.errors).toBeGreaterThan(0);
    expect(summary.longest_gap_s).toBeGreaterThanOrEqual(1.5);
    expect(fs.readFileSync(path.join(acks, "standin.errors"), "utf8")).toMatch(/^\d+\.\d{3} \d+ ConnectionRefused/m);
    const ok = verify("python3", ["run2", "restart", acks, target, "--timeout", "0"]);
    expect(ok.status).toBe(0);
    expect(ok.out.resources.standin).toMatchObject({ lost: 0, errors: summary.errors, error: null });
    expect(ok.out.resources.standin.longest_gap_s).toBeGreaterThanOrEqual(1.5);
    // Numbers refused during the outage were skipped: the acknowledged ones are not 1..N.
    const numbers = acked(path.join(acks, "standin.acks"));
    expect(numbers[numbers.length - 1]).toBe(numbers.length + summary.errors);
  } finally {
    await stopStandin(s);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("verify: an unreadable target fails; setup-sql quotes the password and refuses what it cannot quote", () => {
  const dir = tempDir();
  try {
    fs.mkdirSync(path.join(dir, "acks"));
    fs.writeFileSync(path.join(dir, "acks", "gone.acks"), "1 1000.000\n2 1002.500\n");
    const down = verify("python3", ["r", "t", path.join(dir, "acks"), "gone=http://127.0.0.1:1", "--timeout", "0"]);
    expect(down.status).toBe(1);
    expect(down.out.resources.gone).toMatchObject({ acked: 2, found: null, lost: null, longest_gap_s: 2.5 });
    expect(down.out.resources.gone.error).toMatch(/^gone \(http:\/\/127\.0\.0\.1:1\): ConnectionRefusedError/);

    const env = { ...process.env, SHAPELOAD_PASSWORD: "it's a secret" };
    const sql = spawnSync("python3", [shapeload, "setup-sql", "--kind", "mysql", "--db", "shape", "--user", "load"], {
      encoding: "utf8",
      env,
    });
    expect(sql.status).toBe(0);
    expect(sql.stdout).toContain("CREATE USER IF NOT EXISTS 'load'@'%' IDENTIFIED BY 'it''s a secret';");
    expect(sql.stdout).toContain("GRANT SELECT, INSERT ON `shape`.shapeload TO 'load'@'%';");
    const backslash = spawnSync("python3", [shapeload, "setup-sql", "--kind", "mysql", "--db", "d", "--user", "u"], {
      encoding: "utf8",
      env: { ...process.env, SHAPELOAD_PASSWORD: "back\\slash" },
    });
    expect(backslash.status).toBe(2);
    expect(backslash.stdout + backslash.stderr).not.toContain("back\\slash");
    const inUrl = spawnSync("python3", [shapeload, "verify", "r", "t", dir, "x=mysql://u:hunter2@127.0.0.1/d"], {
      encoding: "utf8",
    });
    expect(inUrl.status).toBe(2);
    expect(inUrl.stderr).toContain("a password in the URL");
    expect(inUrl.stdout + inUrl.stderr).not.toContain("hunter2");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// ---- the postgresql target against a real server --------------------------------------------------------------

// A virtual environment with the pinned packages, kept in the temporary directory per content of requirements.txt.
function shapeloadPython(): string {
  const text = fs.readFileSync(requirements, "utf8");
  const hash = crypto.createHash("sha256").update(text).digest("hex").slice(0, 12);
  const venv = path.join(os.tmpdir(), `zimbra-ha-shapeload-venv-${hash}`);
  const done = path.join(venv, "requirements.txt");
  if (!fs.existsSync(done)) {
    fs.rmSync(venv, { recursive: true, force: true });
    for (const [command, args] of [
      ["python3", ["-m", "venv", venv]],
      [path.join(venv, "bin", "pip"), ["install", "-q", "--disable-pip-version-check", "-r", requirements]],
    ] as [string, string[]][]) {
      const r = spawnSync(command, args, { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${r.stderr}`);
    }
    fs.writeFileSync(done, text);
  }
  return path.join(venv, "bin", "python");
}

function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root)
    ? fs.readdirSync(root).filter((v) => fs.existsSync(`${root}/${v}/bin/initdb`))
    : [];
  if (!versions.length)
    throw new Error("no PostgreSQL server: /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql)");
  return `${root}/${versions.sort((a, b) => Number(b) - Number(a))[0]}/bin`;
}

// PostgreSQL refuses to run as root: its programs run as the postgres user then.
function asPostgres(command: string, args: string[], input?: string): SpawnSyncReturns<string> {
  const [cmd, argv] = isRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  return spawnSync(cmd, argv, { encoding: "utf8", input, cwd: "/" });
}

test("postgresql: setup-sql through psql twice, load and read-back with pg8000, a deleted row lost", async () => {
  const python = shapeloadPython();
  const bin = postgresBin();
  const dir = tempDir();
  const cluster = path.join(dir, "pg");
  if (isRoot) {
    const ids = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    fs.chownSync(dir, Number(ids.stdout), Number(gid.stdout));
  }
  const port = await freePort();
  const psql = (db: string, input: string) =>
    asPostgres(path.join(bin, "psql"), ["-X", "-q", "-h", dir, "-p", String(port), "-U", "postgres", "-d", db], input);
  let started = false;
  try {
    const init = asPostgres(path.join(bin, "initdb"), ["-D", cluster, "-U", "postgres", "-A", "trust"]);
    expect([init.status, init.status ? init.stderr : ""]).toEqual([0, ""]);
    // Connections over TCP with a password (scram-sha-256), as the load's from the host; the socket for psql.
    const hba = path.join(cluster, "pg_hba.conf");
    fs.writeFileSync(hba, "local all postgres trust\nhost all all 127.0.0.1/32 scram-sha-256\n");
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`;
    const start = asPostgres(path.join(bin, "pg_ctl"), [
      "-D",
      cluster,
      "-o",
      options,
      "-l",
      `${dir}/log`,
      "-w",
      "start",
    ]);
    expect(start.status).toBe(0);
    started = true;

    const secret = "pg's pass word";
    const env = { ...process.env, SHAPELOAD_PASSWORD: secret };
    const setupArgs = ["setup-sql", "--kind", "postgresql", "--db", "shapedb", "--user", "shapeuser"];
    const sql = spawnSync("python3", [shapeload, ...setupArgs], { encoding: "utf8", env });
    expect(sql.status).toBe(0);
    for (let i = 0; i < 2; i++) {
      const applied = psql("postgres", sql.stdout); // the second time: nothing to do, and no complaint
      expect([applied.status, applied.stderr]).toEqual([0, ""]);
    }

    const acks = path.join(dir, "acks");
    const target = `shapedb=postgresql://shapeuser@127.0.0.1:${port}/shapedb`;
    const run = await load(python, ["run3", "pg", acks, path.join(dir, "STOP"), target], () => sleep(2000), env);
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(secret);
    const numbers = acked(path.join(acks, "shapedb.acks"));
    expect(numbers.length).toBeGreaterThan(3);
    expect(JSON.parse(run.stdout).resources.shapedb).toMatchObject({ acked: numbers.length, errors: 0 });

    const ok = verify(python, ["run3", "pg", acks, target, "--timeout", "0"], env);
    expect(ok.status).toBe(0);
    expect(ok.out.resources.shapedb).toMatchObject({ acked: numbers.length, found: numbers.length, lost: 0 });
    expect(ok.out.resources.shapedb.unexpected).toBe(0);

    const deleted = psql("shapedb", "DELETE FROM shapeload WHERE run = 'run3' AND tag = 'pg' AND n = 3;\n");
    expect(deleted.status).toBe(0);
    const lost = verify(python, ["run3", "pg", acks, target, "--timeout", "0"], env);
    expect(lost.status).toBe(1);
    expect(lost.out.resources.shapedb).toMatchObject({ found: numbers.length - 1, lost: 1, lost_n: [3] });

    // A wrong password: the target cannot be read (exit 1), the server's reason given, no password printed.
    const wrong = verify(python, ["run3", "pg", acks, target, "--timeout", "0"], {
      ...process.env,
      SHAPELOAD_PASSWORD: "not it",
    });
    expect(wrong.status).toBe(1);
    expect(wrong.out.resources.shapedb.error).toMatch(/DatabaseError: 28P01 password authentication failed/);
    expect(wrong.raw.stdout).not.toContain("not it");
  } finally {
    if (started) asPostgres(path.join(bin, "pg_ctl"), ["-D", cluster, "-m", "immediate", "-w", "stop"]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 240000);
