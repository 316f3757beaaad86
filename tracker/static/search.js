// The "find a territory" box (templates/_search.html): suggestions from the API as one
// types, in the page's language, chosen with the mouse or the keyboard (arrows, Enter,
// Escape). Choosing one opens the form's data-go address with the territory's code, or
// puts the code in the first empty field of data-slots. Every text is set with
// textContent, never as HTML. Without this script the form submits to /search.
(function () {
    "use strict";

    var lang = document.documentElement.lang;
    var parentNames = null;

    function nameOf(territory) {
        return (lang === "ar" ? territory.name_ar : territory.name_fr) || territory.name_fr;
    }

    function getJson(url) {
        return fetch(url, {credentials: "same-origin"}).then(function (response) {
            if (!response.ok) { throw new Error("HTTP " + response.status); }
            return response.json();
        });
    }

    // The names of every region and province (the parents suggestions name), asked once.
    function loadParents(api) {
        if (!parentNames) {
            parentNames = Promise.all(["region", "province"].map(function (level) {
                return getJson(api + "?level=" + level + "&per_page=500");
            })).then(function (pages) {
                var names = {};
                pages.forEach(function (page) {
                    page.items.forEach(function (t) { names[t.code] = nameOf(t); });
                });
                return names;
            }).catch(function () {
                parentNames = null;
                return {};
            });
        }
        return parentNames;
    }

    function setUp(form) {
        var input = form.querySelector("input[name=q]");
        var list = form.querySelector("[role=listbox]");
        var status = form.querySelector("[role=status]");
        var api = form.getAttribute("data-api");
        var kinds = JSON.parse(form.getAttribute("data-kinds") || "{}");
        var comma = form.getAttribute("data-comma") || ", ";
        var found = [];
        var active = -1;
        var asked = 0;
        var timer = null;

        function close() {
            list.hidden = true;
            input.setAttribute("aria-expanded", "false");
            input.removeAttribute("aria-activedescendant");
            active = -1;
        }

        function option(territory, index, parents) {
            var item = document.createElement("li");
            item.id = list.id + "-" + index;
            item.setAttribute("role", "option");
            item.setAttribute("aria-selected", "false");
            item.setAttribute("dir", "auto");
            item.setAttribute("data-code", territory.code);
            var name = document.createElement("span");
            name.className = "search-name";
            name.setAttribute("dir", "auto");
            name.textContent = nameOf(territory);
            item.appendChild(name);
            var about = document.createElement("span");
            about.className = "search-about";
            var parent = parents[territory.parent_code];
            about.textContent = " — " + (kinds[territory.kind] || territory.level) +
                (parent ? comma + parent : "");
            item.appendChild(about);
            var code = document.createElement("span");
            code.className = "search-code";
            code.setAttribute("dir", "ltr");
            code.textContent = territory.code;
            item.appendChild(code);
            item.addEventListener("click", function () { choose(index); });
            return item;
        }

        // The list answers `text`, which it says in data-for.
        function show(territories, parents, text) {
            found = territories;
            list.textContent = "";
            list.setAttribute("data-for", text);
            territories.forEach(function (t, i) { list.appendChild(option(t, i, parents)); });
            active = -1;
            input.removeAttribute("aria-activedescendant");
            list.hidden = territories.length === 0;
            input.setAttribute("aria-expanded", territories.length ? "true" : "false");
            status.textContent = territories.length
                ? form.getAttribute("data-count").replace("{count}", String(territories.length))
                : form.getAttribute("data-none");
        }

        function suggest() {
            var text = input.value.trim();
            var mine = ++asked;
            if (!text) {
                found = [];
                close();
                status.textContent = "";
                return;
            }
            var url = api + "?per_page=10&q=" + encodeURIComponent(text);
            var level = form.getAttribute("data-level");
            if (level) { url += "&level=" + encodeURIComponent(level); }
            Promise.all([getJson(url), loadParents(api)]).then(function (answers) {
                if (mine === asked) { show(answers[0].items, answers[1], text); }
            }).catch(function () {
                if (mine === asked) { show([], {}, text); }
            });
        }

        function move(step) {
            var options = list.querySelectorAll("[role=option]");
            if (!options.length) { return; }
            if (active >= 0) { options[active].setAttribute("aria-selected", "false"); }
            active = (active + step + options.length) % options.length;
            options[active].setAttribute("aria-selected", "true");
            options[active].scrollIntoView({block: "nearest"});
            input.setAttribute("aria-activedescendant", options[active].id);
        }

        function fillSlot(territory) {
            var slots = Array.prototype.slice.call(
                document.querySelectorAll(form.getAttribute("data-slots")));
            if (!slots.length) { return; }
            var slot = slots.filter(function (s) { return !s.value; })[0] || slots[slots.length - 1];
            slot.value = territory.code;
            slot.dispatchEvent(new Event("change", {bubbles: true}));
            input.value = "";
            status.textContent = form.getAttribute("data-filled").replace("{name}", nameOf(territory));
        }

        function choose(index) {
            var territory = found[index];
            if (!territory) { return; }
            close();
            var go = form.getAttribute("data-go");
            if (go) {
                window.location.href = go.replace("__CODE__", encodeURIComponent(territory.code));
            } else {
                fillSlot(territory);
            }
        }

        input.addEventListener("focus", function () { loadParents(api); });
        input.addEventListener("input", function () {
            // Until the new answer comes, Enter submits rather than choose an old suggestion.
            if (active >= 0) {
                list.querySelectorAll("[role=option]")[active].setAttribute("aria-selected", "false");
                input.removeAttribute("aria-activedescendant");
                active = -1;
            }
            clearTimeout(timer);
            timer = setTimeout(suggest, 150);
        });
        input.addEventListener("keydown", function (event) {
            if (event.key === "Escape") { close(); return; }
            if (list.hidden) {
                if (event.key === "ArrowDown" && found.length) {
                    list.hidden = false;
                    input.setAttribute("aria-expanded", "true");
                    move(1);
                    event.preventDefault();
                }
                return;
            }
            if (event.key === "ArrowDown" || event.key === "ArrowUp") {
                move(event.key === "ArrowDown" ? 1 : -1);
                event.preventDefault();
            } else if (event.key === "Enter" && active >= 0) {
                // Enter on a suggestion chooses it; otherwise the form goes to /search.
                event.preventDefault();
                choose(active);
            }
        });
        input.addEventListener("blur", close);
        // A press on a suggestion keeps the focus in the field, so it is not closed first.
        list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    }

    document.querySelectorAll("form[data-search]").forEach(setUp);
}());
