// Renders the service's OpenAPI description with Swagger UI, served from our own origin.
// No validator: Swagger UI would ask an outside site to check the
// description and show its badge, which the page's policy refuses.
window.addEventListener("load", function () {
  var el = document.getElementById("docs");
  window.SwaggerUIBundle({ url: el.dataset.spec, domNode: el, deepLinking: true, validatorUrl: null });
});
