// Run a Python script under Pyodide in Node: node run.mjs <pyodide package> <script.py> <course wheel>
// The wheel's folder is mounted read-only at /host; everything else (progress files) lives in Pyodide's
// in-memory file system, as in a browser. No network is used: the npm package carries the runtime.
import fs from "node:fs";
import path from "node:path";

const [, , pkg, script, wheel] = process.argv;
const { loadPyodide } = await import(pkg);
const py = await loadPyodide({
  stdout: (s) => process.stdout.write(s + "\n"),
  stderr: (s) => process.stderr.write(s + "\n"),
});
py.FS.mkdirTree("/host");
py.FS.mount(py.FS.filesystems.NODEFS, { root: path.dirname(path.resolve(wheel)) }, "/host");
py.globals.set("WHEEL", "/host/" + path.basename(wheel));
try {
  await py.runPythonAsync(fs.readFileSync(script, "utf8"));
} catch (err) {
  process.stderr.write(String(err) + "\n");
  process.exit(1);
}
