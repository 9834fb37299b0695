package server

import (
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humagin"
	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/ratelimit"
)

// checkAddress counts one attempt at an action (sign-in, sign-up) from the
// client's address: enough for a person who mistypes, too little for
// guessing passwords or making accounts in bulk. The address is nginx's
// X-Real-IP when the request comes through the shell (serving trusts it
// only from MURMUR_TRUSTED_PROXIES).
func (s *server) checkAddress(c *gin.Context, action string) error {
	return s.Limits.Check(c.Request.Context(), action, ratelimit.Address(c.ClientIP()), 1)
}

// limitByAddress is the JSON API's limit of an action per client address:
// attempts past it are answered 429 with Retry-After, before the body is
// even read.
func (s *server) limitByAddress(api huma.API, action string) func(ctx huma.Context, next func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		if err := s.checkAddress(humagin.Unwrap(ctx), action); err != nil {
			jsonapi.WriteError(api, ctx, err)
			return
		}
		next(ctx)
	}
}
