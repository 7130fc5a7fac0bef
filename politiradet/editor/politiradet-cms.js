// Webredigering for arkivet til Politirådet i Oslo: statusoppdateringer som et skjema i teksten,
// lagret som den samme «::: status <punkt>» … «:::»-blokken en redaktør ville skrevet.
(function () {
  "use strict";
  var CMS = window.CMS || window.DecapCms;

  function statusComponent(points) {
    return {
      id: "status",
      label: "Status for oppfølgingspunkt",
      fields: [
        {
          name: "punkt", label: "Oppfølgingspunkt", widget: "select",
          hint: "Punktet statusen gjelder. Et nytt punkt må lages under «Oppfølgingspunkter» først.",
          options: points.map(function (point) {
            return {
              value: point.id,
              label: point.id + " – " + point.tittel + (point.utkast ? " (utkast)" : "")
            };
          })
        },
        { name: "tekst", label: "Status", widget: "text", hint: "Hva som er gjort, og av hvem." }
      ],
      pattern: /^::: *status +(\S+) *\n([\s\S]*?)\n? *:::[ \t]*$/m,
      fromBlock: function (match) {
        return { punkt: match[1], tekst: match[2] };
      },
      toBlock: function (data) {
        var text = String(data.tekst || "").replace(/^\s+|\s+$/g, "");
        return "::: status " + (data.punkt || "") + "\n" + text + "\n:::";
      },
      toPreview: function (data) {
        return "Status for oppfølgingspunkt " + (data.punkt || "") + ": " + (data.tekst || "");
      }
    };
  }

  fetch("punkter.json", { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : []; })
    .catch(function () { return []; })
    .then(function (points) {
      CMS.registerEditorComponent(statusComponent(points));
      CMS.init();
    });
})();
