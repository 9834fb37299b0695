package testkit

// maxID is the largest id, math.MaxInt64, as murmur writes it.
const maxID = "9223372036854775807"

// CanonicalID reads s the way murmur writes ids (of users, tweets, media,
// list positions): a positive decimal number of 64 bits, without sign,
// spaces or leading zeros. It is written without strconv, so fuzz tests
// can hold the services' own parsers to the rule rather than to
// themselves.
func CanonicalID(s string) (int64, bool) {
	if s == "" || len(s) > len(maxID) || s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	// Same length, so comparing the digits compares the numbers.
	if len(s) == len(maxID) && s > maxID {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		n = n*10 + int64(s[i]-'0')
	}
	return n, true
}

// CanonicalCount reads s as murmur writes a count (of likes): "0" or a
// CanonicalID.
func CanonicalCount(s string) (int64, bool) {
	if s == "0" {
		return 0, true
	}
	return CanonicalID(s)
}
