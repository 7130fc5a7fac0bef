// Webredigering for arkivet til Politirådet i Oslo: statusoppdateringer og vedtak som skjemaer i
// teksten, lagret som de samme «::: status <punkt> [avsluttet]» … «:::»- og «::: vedtak» … «:::»-
// blokkene en redaktør ville skrevet.
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
        { name: "tekst", label: "Status", widget: "text", hint: "Hva som er gjort, og av hvem." },
        {
          name: "avsluttet", label: "Politirådet avsluttet punktet", widget: "boolean",
          default: false,
          hint: "Slå på når politirådet i dette møtet avsluttet punktet. Punktet vises da som " +
                "avsluttet, og det kan ikke få status i et senere referat."
        }
      ],
      // Decap prøver mønsteret mot teksten fra begynnelsen av hver blokk, og flagget «m» er
      // ikke lov: blokken slutter med «:::» på en egen linje, foran et linjeskift eller slutten.
      pattern: /^::: *status +(\S+)(?: +(avsluttet))? *\n([\s\S]*?)\n? *:::[ \t]*(?=\n|$)/,
      fromBlock: function (match) {
        return { punkt: match[1], avsluttet: Boolean(match[2]), tekst: match[3] };
      },
      toBlock: function (data) {
        return "::: status " + (data.punkt || "") + (data.avsluttet ? " avsluttet" : "") +
          "\n" + trimmed(data.tekst) + "\n:::";
      },
      toPreview: function (data) {
        return "Status for oppfølgingspunkt " + (data.punkt || "") +
          (data.avsluttet ? " (avsluttet)" : "") + ": " + (data.tekst || "");
      }
    };
  }

  // Vedtak: «::: vedtak» … «:::», det politirådet vedtok i møtet.
  var decisionComponent = {
    id: "vedtak",
    label: "Vedtak",
    fields: [
      { name: "tekst", label: "Vedtak", widget: "text",
        hint: "Det politirådet vedtok. Flere vedtak skriver du som en liste, med «- » først på " +
              "hver linje." }
    ],
    pattern: /^::: *vedtak *\n([\s\S]*?)\n? *:::[ \t]*(?=\n|$)/,
    fromBlock: function (match) { return { tekst: match[1] }; },
    toBlock: function (data) { return "::: vedtak\n" + trimmed(data.tekst) + "\n:::"; },
    toPreview: function (data) { return "Vedtak: " + (data.tekst || ""); }
  };

  function trimmed(text) { return String(text || "").replace(/^\s+|\s+$/g, ""); }

  // Decaps tekstfelt (Slate) har ikke navn, og verktøylinjens nedtrekksknapper ligger inne i
  // et annet element med rollen «button». Gi feltet et navn, og la den indre knappen være den
  // eneste som er knapp.
  function name(element, text) {
    if (!element.hasAttribute("aria-label")) { element.setAttribute("aria-label", text); }
  }

  function mendAccessibility(root) {
    root.querySelectorAll("[data-slate-editor='true']").forEach(function (box) {
      name(box, "Tekst");
    });
    // Listefelt (planlagte møter, vedlegg, signatarer): ikonknapper og flyttehåndtak uten navn.
    root.querySelectorAll("button[class*='TopBarButton']").forEach(function (button) {
      var first = button.parentElement && button.parentElement.querySelector(
        "button[class*='TopBarButton']") === button;
      name(button, first ? "Vis eller skjul" : "Fjern");
    });
    // Valglistene (temaer, områder): krysset ved et valgt tema heter «Remove <tema>» hos
    // react-select, som Decap ikke oversetter.
    root.querySelectorAll("[aria-label^='Remove ']").forEach(function (remove) {
      remove.setAttribute("aria-label", "Fjern " + remove.getAttribute("aria-label").slice(7));
    });
    root.querySelectorAll("[aria-roledescription='sortable']").forEach(function (handle) {
      name(handle, "Flytt (dra, eller trykk mellomrom og bruk piltastene)");
    });
    // Bryteren mellom rik tekst og Markdown over teksten har verken navn eller tilstand i
    // rik-tekst-modus (Decap sender ikke navnet videre til knappen).
    root.querySelectorAll("button[role='switch'][class*='ToolbarToggle']").forEach(function (toggle) {
      name(toggle, "Markdown");
      if (!toggle.hasAttribute("aria-checked")) { toggle.setAttribute("aria-checked", "false"); }
    });
    // Nedtrekksmenyer: listen mellom «menu» og «menuitem» er bare utseende.
    root.querySelectorAll("[role='menu'] > ul:not([role])").forEach(function (list) {
      list.setAttribute("role", "none");
    });
    root.querySelectorAll("span[role='button'][aria-haspopup='true'], span[data-meny]")
      .forEach(function (outer) {
        var inner = outer.querySelector("button");
        if (!inner) { return; }
        outer.setAttribute("data-meny", "");
        if (outer.getAttribute("role") !== "presentation") {
          outer.setAttribute("role", "presentation");
        }
        if (outer.hasAttribute("tabindex")) { outer.removeAttribute("tabindex"); }
        ["aria-haspopup", "aria-expanded"].forEach(function (name) {
          if (outer.hasAttribute(name)) {
            inner.setAttribute(name, outer.getAttribute(name));
            outer.removeAttribute(name);
          }
        });
        if (!inner.hasAttribute("aria-label") && inner.title) {
          inner.setAttribute("aria-label", inner.title);
        }
      });
  }
  // Forhåndsvisning av dokumentet som er åpent. Decap viser sin «Forhåndsvis»-lenke først når
  // dokumentet lastes på nytt; et nytt dokument som nettopp er lagret (som utkast) får den ikke.
  // I forhåndsvisningen legger vi da inn vår egen lenke på samme plass, til dokumentets adresse:
  // der står utkastet (med --utkast) eller en forklaring på hvordan det vises.
  var LOCAL = document.querySelector("meta[name='politiradet-lagring'][content='lokal']");
  var ENTRY = /^#\/collections\/(referater|avtaler|oppfolgingspunkter)\/entries\/([a-z0-9-]+)$/;

  function previewLink(root) {
    var ours = root.querySelector("a[data-forhandsvis]");
    var entry = ENTRY.exec(location.hash);
    var decaps = root.querySelector("a[class*='PreviewLink']:not([data-forhandsvis])");
    if (!entry || decaps) {
      if (ours) { ours.remove(); }
      return;
    }
    var href = new URL("../" + entry[1] + "/" + entry[2] + "/", location.href.split("#")[0]).href;
    if (ours && ours.href === href) { return; }
    var place = root.querySelector("[class*='ToolbarSectionMain'] [class*='ToolbarSubSectionLast']");
    if (!place) { return; }
    if (ours) { ours.remove(); }
    var link = document.createElement("a");
    link.setAttribute("data-forhandsvis", "");
    link.className = "politiradet-forhandsvis";
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = "Forhåndsvis";
    place.appendChild(link);
  }

  new MutationObserver(function () {
    mendAccessibility(document);
    if (LOCAL) { previewLink(document); }
  })
    .observe(document.documentElement, { childList: true, subtree: true, attributes: true,
                                         attributeFilter: ["aria-expanded"] });

  fetch("punkter.json", { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : []; })
    .catch(function () { return []; })
    .then(function (points) {
      CMS.registerEditorComponent(statusComponent(points));
      CMS.registerEditorComponent(decisionComponent);
      CMS.init();
    });
})();
