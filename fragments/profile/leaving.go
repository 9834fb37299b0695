package profile

import (
	"context"
	"log/slog"
	"time"

	"murmur/fragments/internal/events"
)

// DefaultHandleReservation is how long the handle of a deleted account
// stays reserved, so nobody can take it over at once and pass for them.
const DefaultHandleReservation = 30 * 24 * time.Hour

// Deletion is a deleted account, as the user.deleted fact tells it.
type Deletion struct {
	UserID    string
	Handle    string
	DeletedAt time.Time
}

// DeleteAccount deletes the user's account after checking their password:
// the account and its picture go at once, every session of theirs is
// refused from then on (on profile at once, elsewhere by the
// sessions.revoked fact, or when a service next asks profile), the handle
// is reserved for HandleReservation, and the user.deleted fact tells every
// other service to erase what it keeps of them. The fact is kept in the
// store until the event stream has it (an outbox): RunAnnouncer appends it,
// again and again while Redis refuses it, even across restarts.
func (a *Accounts) DeleteAccount(ctx context.Context, id, password string) (Deletion, error) {
	_, hash, err := a.store.PasswordHashByID(ctx, id)
	if err != nil {
		return Deletion{}, err
	}
	if !a.passwords.Verify(hash, password) {
		return Deletion{}, errWrongPassword
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	u, err := a.store.DeleteUser(ctx, id, now, now.Add(a.HandleReservation))
	if err != nil {
		return Deletion{}, err
	}
	u.TokenVersion = events.DeletedTokenVersion
	a.announceRevocation(ctx, u, "deleted")
	d := Deletion{UserID: u.ID, Handle: u.Handle, DeletedAt: now}
	if err := a.announceDeletion(ctx, d); err != nil {
		// Left in the outbox: the announcer tries again.
		select {
		case a.announcing <- struct{}{}:
		default:
		}
	}
	return d, nil
}

// announceDeletion appends a deletion's user.deleted fact and records
// that it is in the stream.
func (a *Accounts) announceDeletion(ctx context.Context, d Deletion) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	_, err := a.bus.Append(ctx, events.UserDeleted, events.UserDeletedPayload{UserID: d.UserID, Handle: d.Handle, DeletedAt: d.DeletedAt})
	if err != nil {
		return err
	}
	return a.store.MarkAnnounced(ctx, d.UserID, time.Now())
}

// AnnounceWaiting appends the user.deleted facts not in the stream yet
// (Redis refused them, or profile stopped before it could append them) and
// returns how many remain.
func (a *Accounts) AnnounceWaiting(ctx context.Context) (int, error) {
	waiting, err := a.store.Unannounced(ctx)
	if err != nil {
		return 0, err
	}
	for i, d := range waiting {
		if err := a.announceDeletion(ctx, d); err != nil {
			return len(waiting) - i, err
		}
	}
	return 0, nil
}

// RunAnnouncer appends waiting user.deleted facts at start, soon after a
// deletion that could not append its own, and every interval, until ctx
// ends.
func (a *Accounts) RunAnnouncer(ctx context.Context, every time.Duration, logger *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if n, err := a.AnnounceWaiting(ctx); err != nil && ctx.Err() == nil {
			logger.WarnContext(ctx, "append user.deleted facts; trying again later", "waiting", n, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-a.announcing:
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	}
}

// Reauthenticate checks the user's password again before a sensitive
// action (an export of their data) and returns the user.
func (a *Accounts) Reauthenticate(ctx context.Context, id, password string) (User, error) {
	u, hash, err := a.store.PasswordHashByID(ctx, id)
	if err != nil {
		return User{}, err
	}
	if !a.passwords.Verify(hash, password) {
		return User{}, errWrongPassword
	}
	return u, nil
}
