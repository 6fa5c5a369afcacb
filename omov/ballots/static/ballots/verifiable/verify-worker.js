// Runs the independent JavaScript verifier (omov/web/static/omov/verify/verifier.js) off the page's thread.
// Message in: {verifier: URL of verifier.js, base: URL the record's files are under} or {verifier, files:
// {path: File}} (a record chosen on the device). Messages out: {progress}, then {result} or {error}.

self.onmessage = async (event) => {
  const { verifier, base, files, options } = event.data;
  try {
    const { verifyRecord } = await import(verifier);
    const readFile = async (name) => {
      if (files) {
        const file = files[name];
        if (!file) throw new Error(`${name}: not in the chosen folder`);
        return new Uint8Array(await file.arrayBuffer());
      }
      const response = await fetch(new URL(name, base), { credentials: "same-origin" });
      if (!response.ok) throw new Error(`${name}: the server answered ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    };
    const result = await verifyRecord(readFile, options || {}, (progress) => self.postMessage({ progress: plain(progress) }));
    self.postMessage({ result: plain(result) });
  } catch (err) {
    self.postMessage({ error: String((err && err.message) || err) });
  }
};

// Only what structured cloning keeps (a result may hold functions or class instances).
function plain(value) {
  try {
    return JSON.parse(JSON.stringify(value ?? null));
  } catch (err) {
    return String(value);
  }
}
