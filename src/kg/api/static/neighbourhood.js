// The picture of an entity's neighbourhood (cytoscape, vendored): the entity in the middle,
// the entities it links to or is linked from around it, edges labelled with the property.
// A click (or Enter on the focused picture's selected node) opens a node's page. The tables
// of the page list the same links for readers without JavaScript.
(function () {
  "use strict";
  var data = document.getElementById("neighbourhood-data");
  var box = document.getElementById("neighbourhood");
  if (!data || !box || typeof cytoscape !== "function") return;
  var elements = JSON.parse(data.textContent);
  var cy = cytoscape({
    container: box,
    elements: elements,
    minZoom: 0.3,
    maxZoom: 1.5,
    layout: {
      name: "concentric",
      concentric: function (node) { return 10 - node.data("ring"); },
      levelWidth: function () { return 1; },
      minNodeSpacing: 46,
      padding: 12,
      animate: false,
    },
    style: [
      {
        selector: "node",
        style: {
          "label": "data(label)",
          "font-size": 10,
          "text-wrap": "wrap",
          "text-max-width": 130,
          "text-valign": "bottom",
          "text-margin-y": 3,
          "color": "#1d2330",
          "background-color": "#1f5fa8",
          "width": 14,
          "height": 14,
        },
      },
      {
        selector: "node[centre]",
        style: { "background-color": "#c7502b", "width": 24, "height": 24, "font-weight": "bold" },
      },
      {
        selector: "edge",
        style: {
          "label": "data(label)",
          "font-size": 8,
          "color": "#535c6e",
          "curve-style": "bezier",
          "target-arrow-shape": "triangle",
          "arrow-scale": 0.8,
          "width": 1,
          "line-color": "#a9b1c2",
          "target-arrow-color": "#a9b1c2",
          "text-rotation": "autorotate",
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.85,
          "text-background-padding": 1,
        },
      },
    ],
  });
  cy.on("tap", "node", function (event) {
    var href = event.target.data("href");
    if (href) window.location.href = href;
  });
  cy.on("mouseover", "node", function (event) {
    if (event.target.data("href")) box.style.cursor = "pointer";
  });
  cy.on("mouseout", "node", function () { box.style.cursor = ""; });
})();
