// Renders the service's OpenAPI description with Swagger UI, served from our own origin.
window.addEventListener("load", function () {
  var el = document.getElementById("docs");
  window.SwaggerUIBundle({ url: el.dataset.spec, domNode: el, deepLinking: true });
});
