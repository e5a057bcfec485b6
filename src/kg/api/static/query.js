// The SPARQL editor: YASQE (YASGUI's editor, vendored) over the form's textarea, for syntax
// highlighting, bracket matching and syntax errors as you type. The form still sends the query
// (the address then holds it); without JavaScript the plain textarea does the same.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var textarea = document.getElementById("query");
  if (!form || !textarea || typeof Yasqe !== "function") return;
  var holder = document.createElement("div");
  holder.className = "yasqe-holder";
  textarea.parentNode.insertBefore(holder, textarea);
  textarea.hidden = true;
  var yasqe = new Yasqe(holder, {
    value: textarea.value,
    persistenceId: null,
    consumeShareLink: null,
    createShareableLink: null,
    collapsePrefixesOnLoad: true,
    showQueryButton: false,
    resizeable: true,
    editorHeight: "18rem",
    autocompleters: [],
    prefixCcApi: null,
    // Tab leaves the editor, as everywhere else on the page (no keyboard trap).
    extraKeys: {
      "Tab": false,
      "Shift-Tab": false,
      "Ctrl-Enter": function () { submit(); },
      "Cmd-Enter": function () { submit(); },
    },
  });
  var input = yasqe.getInputField();
  input.setAttribute("aria-label", "SPARQL query");
  input.id = "query-editor";
  var label = form.querySelector('label[for="query"]');
  if (label) label.setAttribute("for", "query-editor");
  function submit() {
    textarea.value = yasqe.getValue();
    form.submit();
  }
  form.addEventListener("submit", function () { textarea.value = yasqe.getValue(); });
  // The server declares our prefixes for every query; YASQE checks the text alone and would
  // mark each use of an undeclared one as an error. Declare the ones the query uses (folded
  // away), unless the server reported an error at a line, which must keep its number.
  var error = document.getElementById("query-error");
  var known = JSON.parse(form.dataset.prefixes || "{}");
  if (!(error && error.dataset.line)) {
    var declared = yasqe.getPrefixesFromQuery();
    var text = yasqe.getValue();
    var missing = {};
    Object.keys(known).forEach(function (prefix) {
      var used = new RegExp("(^|[\\s(/^|,;])" + prefix + ":", "m").test(text);
      if (used && !(prefix in declared)) missing[prefix] = known[prefix];
    });
    if (Object.keys(missing).length) {
      yasqe.addPrefixes(missing);
      yasqe.collapsePrefixes(true);
    }
  }
  if (error && error.dataset.line) {
    var line = parseInt(error.dataset.line, 10) - 1;
    var column = error.dataset.column ? parseInt(error.dataset.column, 10) - 1 : 0;
    yasqe.addLineClass(line, "background", "query-error-line");
    yasqe.setCursor({ line: line, ch: column });
  }
})();
