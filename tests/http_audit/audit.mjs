// Runs every graphql-http server audit against a running credmatch, one at a time, with an
// API key on every request, and prints one JSON line per audit: {id, name, status, reason?}.
// Usage: CREDMATCH_AUDIT_KEY=cm_... node audit.mjs http://127.0.0.1:PORT/graphql
// Exit status: 0 when every audit ran (whatever their results), 2 on usage errors.
import { serverAudits } from "graphql-http";

const url = process.argv[2];
const key = process.env.CREDMATCH_AUDIT_KEY;
if (!url || !key) {
  console.error("usage: CREDMATCH_AUDIT_KEY=<key> node audit.mjs <graphql url>");
  process.exit(2);
}

// The audits' own requests, each with the key added (graphql-http calls fetchFn(url, init)).
function fetchWithKey(input, init = {}) {
  const headers = new Headers(init.headers || {});
  headers.set("authorization", `Bearer ${key}`);
  return fetch(input, { ...init, headers });
}

for (const { fn } of serverAudits({ url, fetchFn: fetchWithKey })) {
  const result = await fn();
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status !== "ok") {
    line.reason = result.reason;
    line.httpStatus = result.response.status;
    line.body = (await result.response.text().catch(() => "")).slice(0, 300);
  }
  console.log(JSON.stringify(line));
}
