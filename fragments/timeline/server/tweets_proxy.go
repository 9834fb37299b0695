package server

import (
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"

	"murmur/fragments/internal/peer"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/serving"
	"murmur/fragments/layout"
)

// tweetsMount is where the timeline opened on its own forwards the tweets
// service. Its page shows tweets' cards, whose images, like and delete
// buttons and author links must reach tweets; behind the shell nginx routes
// /tweets/ itself, but a service on its own port serves only its own prefix.
// Cards fetched for such a page are asked for with render.MountHeader, so
// tweets writes their URLs under this mount.
const tweetsMount = "/timeline/tweets"

// tweetsProxy forwards /timeline/tweets/… to the tweets service's /tweets/…,
// keeping the browser's Host (so tweets' cross-origin check compares the
// page's own origin) and telling tweets where it is mounted. The answer
// carries tweets' own security headers (an image has a stricter policy than
// a page), not the timeline's as well.
func (s *server) tweetsProxy() http.Handler {
	target, err := url.Parse(strings.TrimRight(s.TweetsURL, "/"))
	if err != nil {
		panic("timeline: bad tweets URL: " + err.Error())
	}
	proxy := &httputil.ReverseProxy{
		// A tweets service that accepts a connection and never answers
		// must not hold the page's requests open.
		Transport: peer.Transport(),
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.URL.Path = "/tweets" + strings.TrimPrefix(pr.In.URL.Path, tweetsMount)
			pr.Out.URL.RawPath = ""
			pr.Out.Host = pr.In.Host
			pr.Out.Header.Del(render.ShellHeader)
			pr.Out.Header.Set(render.MountHeader, tweetsMount)
			pr.SetXForwarded()
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			s.Logger.WarnContext(r.Context(), "forward to tweets", "err", err)
			serving.SetSecurityHeaders(w.Header())
			w.Header().Set("X-Murmur-Unreachable", "1")
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`<div class="problem" role="alert">Tweets can’t be reached right now. Try again in a moment.</div>`))
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, h := range layout.SecurityHeaders {
			w.Header().Del(h.Name)
		}
		proxy.ServeHTTP(w, r)
	})
}
