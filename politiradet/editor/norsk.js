// Webredigeringen på norsk bokmål. Decaps egen «nb_no» mangler 86 tekster (verktøylinjen,
// «Add …» under listene, søk, notater …), som da vises på engelsk. Her er de oversatt, og ord som
// Decap bruker om alt («innlegg», «publiser») er byttet til arkivets («dokument», og «lagre» når
// webredigeringen lagrer rett i content/ i forhåndsvisningen). Lastes etter Decap og før
// politiradet-cms.js, som starter Decap.
(function () {
  "use strict";
  var CMS = window.CMS || window.DecapCms;

  var PHRASES = {
    auth: {
      loginWithAzure: "Logg inn med Azure",
      loginWithForgejo: "Logg inn med Forgejo",
      loginWithGitHub: "Logg inn med GitHub",
      loginWithGitLab: "Logg inn med GitLab",
      loginWithGitea: "Logg inn med Gitea",
      loginWithBitbucket: "Logg inn med Bitbucket",
      loginWithNetlifyIdentity: "Logg inn med Netlify Identity",
      loggingIn: "Logger inn …"
    },
    app: {
      header: { quickAdd: "Nytt dokument", media: "Filer" },
      app: { errorHeader: "Webredigeringen kunne ikke lese oppsettet sitt",
             checkConfigYml: "Lag webredigeringen på nytt med python -m politiradet.editor.",
             loadingConfig: "Laster oppsettet …", waitingBackend: "Venter på lagringen …" }
    },
    collection: {
      sidebar: { collections: "Dokumenttyper", allCollections: "Alle dokumenttyper",
                 searchAll: "Søk i alle", searchIn: "Søk i" },
      collectionTop: {
        viewAsList: "Vis som liste", viewAsGrid: "Vis som rutenett",
        newButtonAriaLabel: "Nytt dokument: %{collectionLabel}",
        searchResults: "Treff for «%{searchTerm}»",
        searchResultsInCollection: "Treff for «%{searchTerm}» i %{collection}",
        filterBy: "Filtrer etter", groupBy: "Grupper etter"
      },
      entries: { loadingEntries: "Laster dokumentene …", cachingEntries: "Mellomlagrer dokumentene …",
                 noEntries: "Ingen dokumenter", unpublishedHeader: "Upubliserte dokumenter" },
      groups: { other: "Andre", negateLabel: "Ikke %{label}" }
    },
    editor: {
      // Decap gir hvert felts ramme navnet på sin widget («string», «select», «list»), ikke
      // feltets navn; en skjermleser leste «Feltet string». Feltene har sine egne navn (etiketten),
      // så rammen får ikke noe navn.
      editorControl: { field: { widgetLabel: "" } },
      editorControlPane: {
        widget: {
          invalidPath: "«%{path}» er ikke en gyldig sti",
          pathExists: "Stien «%{path}» finnes allerede",
          regexPattern: "%{fieldLabel}: %{pattern}"
        },
        i18n: { writingInLocale: "Skriver på %{locale}", copyFromLocale: "Fyll inn fra et annet språk",
                copyFromLocaleConfirm: "Vil du fylle inn fra %{locale}?\nAlt innhold som står her, blir overskrevet." }
      },
      editorInterface: { toggleI18n: "Vis eller skjul språk", togglePreview: "Vis eller skjul forhåndsvisning",
                         toggleScrollSync: "Rull samtidig", toggleNotes: "Vis eller skjul notater" },
      editorNotesPane: {
        title: "Notater", emptyState: "Ingen notater ennå. Skriv det første under.",
        addNote: "Legg til notat", addPlaceholder: "Skriv et notat …", editPlaceholder: "Rediger notatet …",
        save: "Lagre", cancel: "Avbryt", edit: "Rediger", "delete": "Slett", resolve: "Merk som løst",
        unresolve: "Merk som uløst", confirmDelete: "Vil du slette notatet?",
        shortcut: "Tips: Ctrl+Enter legger til notatet"
      },
      editorToolbar: {
        changesSaved: "Ingen ulagrede endringer",
        unsavedChanges: "Ulagrede endringer",
        deleteEntry: "Slett dokumentet",
        deletePublishedEntry: "Slett det publiserte dokumentet",
        deleteUnpublishedEntry: "Slett det upubliserte dokumentet",
        backCollection: " Skriver i %{collectionLabel}",
        statusInfoTooltipDraft: "Endringen er en kladd. Sett status til «Til godkjenning» når den er klar til å leses av en annen.",
        statusInfoTooltipInReview: "Endringen leses nå av en annen. Du kan fortsatt gjøre endringer mens den leses."
      },
      editorWidgets: {
        markdown: {
          bold: "Fet", italic: "Kursiv", strikethrough: "Gjennomstreking", code: "Kode",
          link: "Lenke", linkPrompt: "Skriv adressen lenken skal gå til",
          headings: "Overskrifter", quote: "Sitat", bulletedList: "Punktliste",
          numberedList: "Nummerert liste", addComponent: "Sett inn",
          richText: "Rik tekst",
          toggleMode: { rich: "Bytt til rik tekst", markdown: "Bytt til Markdown" }
        },
        image: { chooseMultiple: "Velg bilder", chooseUrl: "Sett inn fra adresse",
                 replaceUrl: "Bytt med adresse", promptUrl: "Skriv adressen til bildet",
                 addMore: "Legg til flere bilder", removeAll: "Fjern alle bildene" },
        file: { chooseUrl: "Sett inn fra adresse", chooseMultiple: "Velg filer",
                replaceUrl: "Bytt med adresse", promptUrl: "Skriv adressen til filen",
                addMore: "Legg til flere filer", removeAll: "Fjern alle filene" },
        datetime: { setToNow: "Sett %{fieldLabel} til nå" },
        list: { add: "Legg til %{item}", addType: "Legg til %{item}" },
        object: { expand: "Vis", collapse: "Skjul" }
      }
    },
    mediaLibrary: {
      mediaLibraryCard: { copy: "Kopier", copyUrl: "Kopier adressen", copyPath: "Kopier stien",
                          copyName: "Kopier navnet", copied: "Kopiert" },
      mediaLibraryModal: { close: "Lukk" }
    },
    ui: {
      settingsDropdown: { account: "Kontovalg" },
      toast: {
        entrySaved: "Dokumentet er lagret",
        onFailToPersist: "Dokumentet er ikke lagret: %{details}",
        noteAdded: "Notatet er lagt til", onFailToAddNote: "Notatet ble ikke lagt til: %{details}",
        noteUpdated: "Notatet er endret", onFailToUpdateNote: "Notatet ble ikke endret: %{details}",
        noteDeleted: "Notatet er slettet", onFailToDeleteNote: "Notatet ble ikke slettet: %{details}",
        noteResolved: "Notatet er merket som løst", noteReopened: "Notatet er åpnet igjen",
        onFailToToggleNote: "Notatet ble ikke endret: %{details}",
        onLoggedOut: "Du er logget ut. Ta vare på teksten din (kopier den) og logg inn igjen.",
        onBackendDown: "Git-tjeneren svarer ikke nå. Se %{details} for mer."
      }
    }
  };

  // I forhåndsvisningen lagrer webredigeringen rett i content/: ingenting publiseres før
  // endringen er i git og byggingen har kjørt. Der heter knappen derfor «Lagre».
  var LOCAL = {
    editor: {
      editorToolbar: {
        publish: "Lagre", publishNow: "Lagre nå", publishing: "Lagrer …", published: "Lagret",
        publishAndCreateNew: "Lagre og lag et nytt", publishAndDuplicate: "Lagre og lag en kopi",
        deployButtonLabel: "Forhåndsvis", deployPreviewButtonLabel: "Forhåndsvis"
      }
    },
    ui: { toast: { entryPublished: "Dokumentet er lagret" } }
  };

  function merged(target, source) {
    Object.keys(source).forEach(function (key) {
      var value = source[key];
      if (value && typeof value === "object") {
        target[key] = merged(target[key] && typeof target[key] === "object" ? target[key] : {}, value);
      } else {
        target[key] = value;
      }
    });
    return target;
  }

  var local = document.querySelector("meta[name='politiradet-lagring']");
  var phrases = merged(merged({}, CMS.getLocale("nb_no") || {}), PHRASES);
  if (local && local.getAttribute("content") === "lokal") { merged(phrases, LOCAL); }
  CMS.registerLocale("nb_no", phrases);
})();
