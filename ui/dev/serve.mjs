// DEV ONLY: serves ui/dist with the mock shell (dev/mock-tauri.js) injected and the app's CSP as
// a header, so the built UI can be looked at in a browser without Tauri.
//   node dev/serve.mjs [port]   then open http://127.0.0.1:PORT/#sell (see mock-tauri.js)
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const ui = fileURLToPath(new URL("..", import.meta.url));
const dist = join(ui, "dist");
const port = Number(process.argv[2] ?? 4173);
const conf = JSON.parse(await readFile(join(ui, "..", "tauri.conf.json"), "utf8").catch(() => "{}"));
const csp = conf?.app?.security?.csp ?? "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'";
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png" };

createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
  try {
    if (path === "/dev/mock-tauri.js") {
      res.writeHead(200, { "content-type": types[".js"] });
      return res.end(await readFile(join(ui, "dev", "mock-tauri.js")));
    }
    const file = join(dist, path === "/" ? "index.html" : path);
    if (!file.startsWith(dist)) throw new Error("outside dist");
    let body = await readFile(file);
    if (file.endsWith("index.html")) {
      body = body.toString().replace("<head>", '<head>\n    <script src="/dev/mock-tauri.js"></script>');
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "content-security-policy": csp });
    res.end(body);
  } catch {
    res.writeHead(404).end("not found");
  }
}).listen(port, "127.0.0.1", () => console.log(`http://127.0.0.1:${port}/`));
