// Package profile is murmur's account domain: people, their handles and
// profiles, passwords and sign-in. Storage and HTTP live in the store and
// server packages, which depend on this one.
package profile

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"murmur/fragments/internal/events"
	"murmur/fragments/internal/fault"
)

// User is a person on murmur.
type User struct {
	ID          string
	Handle      string
	DisplayName string
	Bio         string
	CreatedAt   time.Time
	// TokenVersion is the version the user's session tokens must carry at
	// least: it moves on when they change their password or sign out
	// everywhere.
	TokenVersion int64
	// Avatar is the key of their profile picture (its URLs hold it, so
	// they change with it); "" when they have none.
	Avatar string
}

// Limits on what a person may choose.
const (
	MinHandle      = 3
	MaxHandle      = 20
	MaxDisplayName = 50
	MaxBio         = 160
	MinPassword    = 8
	MaxPassword    = 128
	MaxSearchQuery = 50
)

var handleRule = regexp.MustCompile(`^[a-z0-9_]{3,20}$`)

// NormalizeHandle trims and lower-cases a handle and checks it is 3 to 20 of
// a-z, 0-9 and _. Handles are unique regardless of case, so "Ada" and "ada"
// are one handle.
func NormalizeHandle(h string) (string, error) {
	h = strings.ToLower(strings.TrimSpace(h))
	if !handleRule.MatchString(h) {
		return "", fault.New(fault.Invalid, "A handle is %d to %d characters: letters a–z, digits and underscores.", MinHandle, MaxHandle)
	}
	return h, nil
}

// cleanText trims s, refuses control characters other than line breaks
// (where allowed), and counts length in characters, not bytes.
func cleanText(field, s string, max int, multiline bool) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if !utf8.ValidString(s) {
		return "", fault.New(fault.Invalid, "The %s is not valid text.", field)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && r == '\n') {
			return "", fault.New(fault.Invalid, "The %s contains characters that cannot be shown.", field)
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", fault.New(fault.Invalid, "The %s can be at most %d characters (it has %d).", field, max, n)
	}
	return s, nil
}

// CleanDisplayName trims a display name and checks its length (1 to 50).
func CleanDisplayName(s string) (string, error) {
	s, err := cleanText("display name", s, MaxDisplayName, false)
	if err == nil && s == "" {
		err = fault.New(fault.Invalid, "The display name cannot be empty.")
	}
	return s, err
}

// CleanBio trims a bio and checks its length (at most 160, line breaks kept).
func CleanBio(s string) (string, error) { return cleanText("bio", s, MaxBio, true) }

// CheckPassword checks a new password's length.
func CheckPassword(p string) error {
	if n := utf8.RuneCountInString(p); n < MinPassword || n > MaxPassword {
		return fault.New(fault.Invalid, "A password is %d to %d characters.", MinPassword, MaxPassword)
	}
	return nil
}

// NewUser is what the store needs to create an account.
type NewUser struct {
	Handle       string
	DisplayName  string
	PasswordHash string
}

// ProfileChange is an edit of a profile; nil fields stay as they are.
type ProfileChange struct {
	DisplayName *string
	Bio         *string
}

// Page is one page of users and the cursor of the next ("" at the end).
type Page struct {
	Users []User
	Next  string
}

// Store keeps accounts. Its errors carry fault kinds: NotFound, Conflict.
type Store interface {
	CreateUser(ctx context.Context, u NewUser) (User, error)
	UserByHandle(ctx context.Context, handle string) (User, error)
	UserByID(ctx context.Context, id string) (User, error)
	UsersByIDs(ctx context.Context, ids []string) ([]User, error)
	PasswordHash(ctx context.Context, handle string) (User, string, error)
	PasswordHashByID(ctx context.Context, id string) (User, string, error)
	// RevokeSessions moves the user's token version on and, unless
	// newHash is "", sets their password hash in the same write.
	RevokeSessions(ctx context.Context, id, newHash string) (User, error)
	TokenVersion(ctx context.Context, id string) (int64, error)
	// SetAvatar replaces the user's picture: its key and its sizes (JPEG
	// bytes by pixels per side); RemoveAvatar removes it.
	SetAvatar(ctx context.Context, id, key string, sizes map[int][]byte) (User, error)
	RemoveAvatar(ctx context.Context, id string) (User, error)
	// Avatar is one size of a user's picture while key is still theirs.
	Avatar(ctx context.Context, id, key string, size int) ([]byte, error)
	UpdateProfile(ctx context.Context, id string, ch ProfileChange) (User, error)
	SearchUsers(ctx context.Context, prefix string, limit int, after string) (Page, error)
	// DeleteUser deletes an account and its picture, remembers its id for
	// good and reserves its handle until reservedUntil; it returns the
	// user as it was.
	DeleteUser(ctx context.Context, id string, at, reservedUntil time.Time) (User, error)
	// Unannounced are the deletions whose user.deleted fact is not in the
	// event stream yet; MarkAnnounced records that one is.
	Unannounced(ctx context.Context) ([]Deletion, error)
	MarkAnnounced(ctx context.Context, id string, at time.Time) error
}

// Publisher announces facts to the other services: Publish for facts
// whose loss costs little, Append (the topic's durable stream only,
// failing when Redis does not have it) for those that must arrive.
type Publisher interface {
	Publish(ctx context.Context, topic string, payload any)
	Append(ctx context.Context, topic string, payload any) (string, error)
}

// Accounts is the account domain's operations.
type Accounts struct {
	store     Store
	passwords Passwords
	bus       Publisher
	// HandleReservation is how long a deleted account's handle stays
	// reserved (DefaultHandleReservation unless set).
	HandleReservation time.Duration
	// announcing is signalled when a deletion waits to be announced.
	announcing chan struct{}
}

// NewAccounts returns the account operations over a store.
func NewAccounts(store Store, passwords Passwords, bus Publisher) *Accounts {
	return &Accounts{store: store, passwords: passwords, bus: bus,
		HandleReservation: DefaultHandleReservation, announcing: make(chan struct{}, 1)}
}

// SignUp creates an account. The display name defaults to the handle.
func (a *Accounts) SignUp(ctx context.Context, handle, password, displayName string) (User, error) {
	h, err := NormalizeHandle(handle)
	if err != nil {
		return User{}, err
	}
	if strings.TrimSpace(displayName) == "" {
		displayName = h
	}
	name, err := CleanDisplayName(displayName)
	if err != nil {
		return User{}, err
	}
	if err := CheckPassword(password); err != nil {
		return User{}, err
	}
	hash, err := a.passwords.Hash(password)
	if err != nil {
		return User{}, err
	}
	u, err := a.store.CreateUser(ctx, NewUser{Handle: h, DisplayName: name, PasswordHash: hash})
	if err != nil {
		return User{}, err
	}
	a.bus.Publish(ctx, events.UserCreated, events.UserCreatedPayload{ID: u.ID, Handle: u.Handle, DisplayName: u.DisplayName, CreatedAt: u.CreatedAt})
	return u, nil
}

// errBadCredentials is the one answer to any failed sign-in, so it does not
// tell whether the handle exists.
var errBadCredentials = fault.New(fault.Unauthorized, "That handle and password do not match.")

// SignIn checks a handle and password.
func (a *Accounts) SignIn(ctx context.Context, handle, password string) (User, error) {
	h, err := NormalizeHandle(handle)
	if err != nil {
		a.passwords.Waste(password)
		return User{}, errBadCredentials
	}
	u, hash, err := a.store.PasswordHash(ctx, h)
	if fault.Is(err, fault.NotFound) {
		// Spend the time a real check takes, so timing does not reveal
		// which handles exist.
		a.passwords.Waste(password)
		return User{}, errBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	if !a.passwords.Verify(hash, password) {
		return User{}, errBadCredentials
	}
	return u, nil
}

// UpdateProfile edits the display name and/or bio of a user.
func (a *Accounts) UpdateProfile(ctx context.Context, id string, ch ProfileChange) (User, error) {
	if ch.DisplayName != nil {
		n, err := CleanDisplayName(*ch.DisplayName)
		if err != nil {
			return User{}, err
		}
		ch.DisplayName = &n
	}
	if ch.Bio != nil {
		b, err := CleanBio(*ch.Bio)
		if err != nil {
			return User{}, err
		}
		ch.Bio = &b
	}
	return a.store.UpdateProfile(ctx, id, ch)
}

// errWrongPassword answers a sensitive action whose password check failed.
var errWrongPassword = fault.New(fault.Unauthorized, "That is not your current password.")

// ChangePassword sets a new password after checking the current one, and
// signs out every session of the user (their tokens are refused from now
// on): the caller starts a new session for the one that asked, with the
// returned user's token version.
func (a *Accounts) ChangePassword(ctx context.Context, id, current, next string) (User, error) {
	_, hash, err := a.store.PasswordHashByID(ctx, id)
	if err != nil {
		return User{}, err
	}
	if !a.passwords.Verify(hash, current) {
		return User{}, errWrongPassword
	}
	if err := CheckPassword(next); err != nil {
		return User{}, err
	}
	if next == current {
		return User{}, fault.New(fault.Invalid, "The new password is the one you have now: choose another.")
	}
	newHash, err := a.passwords.Hash(next)
	if err != nil {
		return User{}, err
	}
	u, err := a.store.RevokeSessions(ctx, id, newHash)
	if err != nil {
		return User{}, err
	}
	a.announceRevocation(ctx, u, "password")
	return u, nil
}

// SignOutEverywhere signs out every session of the user; the caller starts
// a new one for the session that asked, with the returned user's token
// version.
func (a *Accounts) SignOutEverywhere(ctx context.Context, id string) (User, error) {
	u, err := a.store.RevokeSessions(ctx, id, "")
	if err != nil {
		return User{}, err
	}
	a.announceRevocation(ctx, u, "sign-out")
	return u, nil
}

// TokenVersion is a user's current token version.
func (a *Accounts) TokenVersion(ctx context.Context, id string) (int64, error) {
	return a.store.TokenVersion(ctx, id)
}

// revocationRetries are the waits between attempts to append a
// revocation while Redis does not take it: about a minute in all, as long
// as the other services trust a version they learned from profile
// (auth.DefaultMaxAge), after which they ask profile again anyway.
var revocationRetries = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 15 * time.Second, 30 * time.Second}

// announceRevocation appends the sessions.revoked fact to its durable
// stream, trying again in the background while Redis refuses it. The
// request does not wait: the revocation is committed, profile itself
// refuses the old tokens at once, and the others learn it from the fact
// or, failing that, when they next ask profile.
func (a *Accounts) announceRevocation(ctx context.Context, u User, reason string) {
	fact := events.SessionsRevokedPayload{UserID: u.ID, TokenVersion: u.TokenVersion, Reason: reason, RevokedAt: time.Now().UTC()}
	ctx = context.WithoutCancel(ctx)
	try := func() error {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		_, err := a.bus.Append(ctx, events.SessionsRevoked, fact)
		return err
	}
	if try() == nil {
		return
	}
	go func() {
		for _, wait := range revocationRetries {
			time.Sleep(wait)
			if err := try(); err == nil {
				return
			}
		}
		slog.WarnContext(ctx, "a sessions.revoked fact could not be appended; other services learn the revocation when they next ask profile",
			"user_id", u.ID, "token_version", u.TokenVersion)
	}()
}

// UserByHandle finds a user by handle, in any case.
func (a *Accounts) UserByHandle(ctx context.Context, handle string) (User, error) {
	h, err := NormalizeHandle(handle)
	if err != nil {
		return User{}, fault.New(fault.NotFound, "No one on murmur has that handle.")
	}
	return a.store.UserByHandle(ctx, h)
}

// UserByID finds a user by id.
func (a *Accounts) UserByID(ctx context.Context, id string) (User, error) {
	return a.store.UserByID(ctx, id)
}

// UsersByIDs returns the users among ids that exist, in the order of ids.
func (a *Accounts) UsersByIDs(ctx context.Context, ids []string) ([]User, error) {
	return a.store.UsersByIDs(ctx, ids)
}

// Search finds people whose handle or display name starts with q, ignoring
// case; an empty q lists everyone.
func (a *Accounts) Search(ctx context.Context, q string, limit int, cursor string) (Page, error) {
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) > MaxSearchQuery {
		return Page{}, fault.New(fault.Invalid, "A search is at most %d characters.", MaxSearchQuery)
	}
	q = strings.TrimPrefix(q, "@")
	return a.store.SearchUsers(ctx, q, limit, cursor)
}
