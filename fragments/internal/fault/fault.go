// Package fault gives domain errors a kind (invalid, not found, forbidden,
// conflict...) in the product's words. It knows nothing of HTTP: the HTTP
// layer maps each kind once to a status (package problem).
package fault

import (
	"errors"
	"fmt"
)

// Kind classifies what went wrong in the words of the product.
type Kind int

// The kinds of failure a service reports to its callers.
const (
	Internal Kind = iota
	Invalid
	NotFound
	Forbidden
	Conflict
	Unauthorized
	TooLarge
	Unsupported
	TooMany
	// Unavailable is a service this one depends on not answering, or its
	// own storage refusing a write (a full or read-only disk).
	Unavailable
	// Precondition is a request that relies on something the service no
	// longer holds (a list it was told to remember): send it in full.
	Precondition
)

// Error is a failure with a kind and a message safe to show a person,
// and optionally the cause, for the logs.
type Error struct {
	Kind    Kind
	Message string
	Cause   error
}

// Error returns the message, and the cause when there is one.
func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Message + ": " + e.Cause.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Cause }

// Wrap builds an error of the given kind around a cause; the message is
// what a person sees, the cause goes to the logs.
func Wrap(kind Kind, cause error, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...), Cause: cause}
}

// New builds an error of the given kind with a formatted message.
func New(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// KindOf reports the kind of err, Internal when it carries none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err is of the given kind.
func Is(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }

// Message is what may be shown to a person: the message of a kinded error,
// or a generic sentence for internal ones, whose details stay in the logs.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again."
}
