// The API page: Swagger UI renders the description the page holds, so it needs no
// request of its own and never leaves the site (no validator, no remote file).
(function () {
  "use strict";
  var holder = document.getElementById("api-viewer");
  var description = document.getElementById("api-description");
  if (!holder || !description || !window.SwaggerUIBundle) {
    return;
  }
  window.SwaggerUIBundle({
    spec: JSON.parse(description.textContent),
    domNode: holder,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
    deepLinking: false,
    defaultModelsExpandDepth: 0,
    supportedSubmitMethods: ["get"]
  });
})();
