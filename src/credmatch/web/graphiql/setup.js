// credmatch's GraphiQL page: GraphiQL 3 (UMD) from this package, talking to this origin only.
// Loaded after react, react-dom and graphiql (all deferred, in order).
"use strict";

(function () {
  const DEFAULT_QUERY = `# credmatch GraphiQL
#
# Every request needs an API key. Put it under "Headers" below:
#   {"Authorization": "Bearer cm_..."}
# (GraphiQL keeps it in this browser's local storage.)
# Run with Ctrl-Enter; Ctrl-Space completes.

query Viewer {
  viewer { role learnerId }
  health { neo4j version }
}
`;
  const DEFAULT_HEADERS = '{\n  "Authorization": "Bearer <your API key>"\n}';

  // ?q=... opens a query (shareable links); never put a key in a URL.
  const shared = new URLSearchParams(window.location.search).get("q");
  const url = window.location.origin + window.location.pathname;
  const fetcher = GraphiQL.createFetcher({ url });

  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: DEFAULT_QUERY,
      query: shared || undefined,
      defaultHeaders: DEFAULT_HEADERS,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: "headers",
      inputValueDeprecation: true,
    }),
  );
})();
