// kg serve: start YASGUI on this server's own /sparql endpoint, offline.
// The example queries come from the page (a JSON block written by kg.serve.editor).
"use strict";
(function () {
  var examples = JSON.parse(document.getElementById("kg-examples").textContent);
  var endpoint = new URL("/sparql", window.location.href).href;
  // no autocompleter that fetches vocabularies from the network: only the query's own variables
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  Yasgui.Yasqe.defaults.value = examples.length ? examples[0].text : "SELECT * WHERE { ?s ?p ?o } LIMIT 10";
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } }
  });
  window.kgYasgui = yasgui;
  Array.prototype.forEach.call(document.querySelectorAll("button[data-example]"), function (button) {
    button.addEventListener("click", function () {
      var tab = yasgui.getTab();
      tab.setQuery(examples[Number(button.getAttribute("data-example"))].text);
      tab.query();
    });
  });
})();
