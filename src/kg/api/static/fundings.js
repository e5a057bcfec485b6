// The chart and the map of /fundings, drawn with Observable Plot (vendored, with d3 and
// topojson-client) from the figures the page embeds; the tables of the page hold the same
// figures for readers without JavaScript.
(function () {
  "use strict";
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function width(figure) {
    return Math.max(280, Math.min(figure.clientWidth - 24, 720));
  }
  function short(text) {
    return text.length > 30 ? text.slice(0, 29) + "\u2026" : text;
  }
  function amount(d) {
    return d3.format("~s")(d).replace("G", "B");
  }
  function place(figure, svg) {
    // The picture is one image described by its caption; Plot's labels on its groups are kept
    // as data (the browser tests read them), since ARIA does not allow them there.
    svg.querySelectorAll("svg [aria-label]").forEach(function (node) {
      node.setAttribute("data-mark", node.getAttribute("aria-label"));
      node.removeAttribute("aria-label");
    });
    var caption = figure.querySelector("figcaption");
    figure.insertBefore(svg, caption);
  }

  function drawChart() {
    var figure = document.getElementById("chart");
    var rows = read("chart-data");
    if (!figure || !rows || !rows.length) return;
    var money = rows.filter(function (r) { return r.currency; });
    var caption = document.getElementById("chart-caption").textContent;
    if (!money.length) {
      var groups = Array.from(new Set(rows.map(function (r) { return r.group; })));
      place(figure, label(Plot.plot({
        width: width(figure),
        height: 40 + 26 * groups.length,
        marginLeft: 170,
        x: { label: "fundings (no amounts in the sources)", grid: true, tickFormat: "d" },
        y: { label: null, domain: groups, tickFormat: short },
        marks: [
          Plot.barX(rows, { x: "count", y: "group", fill: "#8a93a5",
            title: function (r) { return r.group + ": " + r.count; } }),
          Plot.ruleX([0]),
        ],
      }), caption));
      return;
    }
    // One chart per currency, each on its own scale: amounts in different currencies are
    // never added, stacked or drawn against one axis.
    var currencies = Array.from(new Set(money.map(function (r) { return r.currency; })));
    currencies.forEach(function (currency) {
      var these = money.filter(function (r) { return r.currency === currency; });
      var box = document.createElement("div");
      box.className = "currency-chart";
      box.dataset.currency = currency;
      var title = document.createElement("p");
      title.className = "currency-title";
      title.textContent = "In " + currency;
      box.appendChild(title);
      box.appendChild(label(Plot.plot({
        width: width(figure),
        height: 46 + 26 * these.length,
        marginLeft: 170,
        x: { label: currency, grid: true, tickFormat: amount },
        y: { label: null, domain: these.map(function (r) { return r.group; }), tickFormat: short },
        marks: [
          Plot.barX(these, {
            x: "value",
            y: "group",
            fill: "#1f5fa8",
            title: function (r) {
              return r.group + ": " + r.currency + " " + r.value.toLocaleString("en") +
                " (" + r.count + (r.count === 1 ? " funding" : " fundings") +
                (r.qualifiers ? ", " + r.qualifiers : "") + ")";
            },
          }),
          Plot.ruleX([0]),
        ],
      }), caption + " In " + currency + "."));
      place(figure, box);
    });
  }

  function label(svg, text) {
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", text);
    return svg;
  }

  function drawMap() {
    var figure = document.getElementById("map");
    var served = read("map-data");
    if (!figure || !served) return;
    var byCode = new Map(served.map(function (c) { return [c.code.padStart(3, "0"), c]; }));
    fetch("/static/vendor/world-atlas/countries-110m.json")
      .then(function (response) { return response.json(); })
      .then(function (world) {
        var countries = topojson.feature(world, world.objects.countries);
        var borders = topojson.mesh(world, world.objects.countries, function (a, b) { return a !== b; });
        function status(feature) {
          var c = byCode.get(String(feature.id));
          if (!c) return "not served";
          return c.named ? "named" : "inside a place served";
        }
        var map = Plot.plot({
          width: width(figure),
          projection: "equal-earth",
          color: {
            type: "ordinal",
            domain: ["named", "inside a place served", "not served"],
            range: ["#1f5fa8", "#9cc0e8", "#eef0f4"],
            legend: true,
          },
          marks: [
            Plot.sphere({ stroke: "#c4c9d4" }),
            Plot.geo(countries, {
              fill: status,
              title: function (f) {
                var c = byCode.get(String(f.id));
                var name = (c && c.label) || f.properties.name;
                if (!c) return name;
                return name + ": " + c.named + " naming it, " + c.within + " serving a place it lies in";
              },
            }),
            Plot.geo(borders, { stroke: "#ffffff", strokeWidth: 0.5 }),
          ],
        });
        place(figure, label(map, document.getElementById("map-caption").textContent));
      });
  }

  drawChart();
  drawMap();
})();
