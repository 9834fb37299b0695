package sqlite

// Queued is how many writes wait for the transaction after the one under
// way, and Transactions how many shared transactions the store has
// written.
func Queued(s Store) int {
	s.batch.mu.Lock()
	defer s.batch.mu.Unlock()
	return len(s.batch.queue)
}

func Transactions(s Store) int {
	s.batch.mu.Lock()
	defer s.batch.mu.Unlock()
	return s.batch.transactions
}
