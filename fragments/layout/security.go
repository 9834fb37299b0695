package layout

// Header is one HTTP response header.
type Header struct{ Name, Value string }

// ContentSecurityPolicy is the policy of every page in the common layout and
// of everything else murmur serves, unless a response names its own (the API
// docs page, an image). It allows exactly what the layout loads: scripts,
// styles, images and requests (fetch and the timeline's websocket; 'self'
// matches ws: and wss: on the same host and port) from the page's own
// origin, nothing inline and no eval. A service opened on its own port is
// its own origin and needs nothing from another: the timeline forwards
// tweets' images and cards under its own prefix.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// DocsContentSecurityPolicy is the policy of a service's API docs page,
// which runs Swagger UI from the shared static files. Swagger UI runs
// without eval like every page, but its stylesheet draws its icons from
// data: URLs.
const DocsContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders are sent with every response: by each service for what
// it answers (fragments/internal/serving) and by the shell's nginx for its
// own pages and files (nginx/nginx.conf.tmpl). README, "Security", says why
// each one is there.
var SecurityHeaders = []Header{
	{"Content-Security-Policy", ContentSecurityPolicy},
	// Links to other sites (in tweets) do not tell them which page of
	// murmur they came from; murmur's own requests still carry it.
	{"Referrer-Policy", "same-origin"},
	{"X-Content-Type-Options", "nosniff"},
	// Powerful features murmur never uses are off for its pages and for
	// anything framed in them.
	{"Permissions-Policy", "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), " +
		"magnetometer=(), microphone=(), payment=(), usb=()"},
}
