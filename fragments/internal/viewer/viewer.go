// Package viewer tells who makes a request: it verifies the session token a
// request carries (bearer header or cookie) once, in a middleware, and gives
// fragments and API operations the signed-in viewer, or a 401 problem when
// an operation needs one and there is none.
package viewer

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/auth"
)

// Authenticate reads the session token of every request (bearer header or
// cookie) and, when it verifies, records the viewer in the request context.
// A missing or bad token leaves the request anonymous; routes that need a
// viewer refuse it themselves.
func Authenticate(v *auth.Verifier) gin.HandlerFunc {
	return func(c *gin.Context) {
		if tok := auth.TokenFrom(c.Request); tok != "" {
			if viewer, err := v.Verify(c.Request.Context(), tok); err == nil {
				viewer.Token = tok
				c.Request = c.Request.WithContext(auth.WithViewer(c.Request.Context(), viewer))
			}
		}
		c.Next()
	}
}

// Of is the signed-in viewer of a request, nil when signed out.
func Of(c *gin.Context) *auth.Viewer {
	if v, ok := auth.ViewerFrom(c.Request.Context()); ok {
		return &v
	}
	return nil
}

// Require returns the signed-in viewer of an API request, or a 401 problem.
func Require(ctx context.Context) (auth.Viewer, error) {
	if v, ok := auth.ViewerFrom(ctx); ok {
		return v, nil
	}
	return auth.Viewer{}, huma.Error401Unauthorized("Sign in first: send a valid session token (Authorization: Bearer) or cookie.")
}
