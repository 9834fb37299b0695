package loadtool

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// signIn signs accounts in through the shell's API, as people do, and
// returns their session tokens by account id. Sign-in is limited per client
// address, and the limit stays on: the sign-ins come from many loopback
// addresses (127.0.x.y), a few from each.
func signIn(ctx context.Context, shell string, accounts []Account, progress func(string, ...any)) (map[string]string, error) {
	const perAddress, parallel = 5, 16
	tokens := make(map[string]string, len(accounts))
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for lo := 0; lo < len(accounts); lo += perAddress {
		group := accounts[lo:min(lo+perAddress, len(accounts))]
		n := lo/perAddress + 2
		from := net.IPv4(127, byte(1+n/65_000), byte(n%65_000/250), byte(1+n%250))
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
				DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: from}, Timeout: 5 * time.Second}).DialContext,
			}}
			defer client.CloseIdleConnections()
			for _, a := range group {
				tok, err := signInOne(ctx, client, shell, a)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				tokens[a.ID] = tok
				if len(tokens)%1000 == 0 {
					progress("sign-in: %d/%d accounts", len(tokens), len(accounts))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return tokens, firstErr
}

func signInOne(ctx context.Context, client *http.Client, shell string, a Account) (string, error) {
	body, _ := json.Marshal(map[string]string{"handle": a.Handle, "password": Password})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, shell+"/profile/api/sessions", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("sign in @%s: %s", a.Handle, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		return "", fmt.Errorf("sign in @%s: no token in the answer (%v)", a.Handle, err)
	}
	return out.Token, nil
}

// pageCheck accepts a composed page only when every slot was filled: a
// fallback block means a fragment failed, however fast the page came.
func pageCheck(mustHold string) func(int, []byte) error {
	return func(status int, body []byte) error {
		switch {
		case status != http.StatusOK:
			return fmt.Errorf("page answered %d", status)
		case bytes.Contains(body, []byte(`class="fallback"`)):
			return fmt.Errorf("page shows a fallback: a slot was not filled")
		case !bytes.Contains(body, []byte(mustHold)):
			return fmt.Errorf("page lacks %q", mustHold)
		}
		return nil
	}
}

// listCheck accepts a JSON list answer that holds at least one item.
func listCheck(status int, body []byte) error {
	if status != http.StatusOK {
		return fmt.Errorf("answered %d: %.200s", status, body)
	}
	var l struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(body, &l); err != nil || len(l.Items) == 0 {
		return fmt.Errorf("not a list with items (%v): %.200s", err, body)
	}
	return nil
}

func statusCheck(want int) func(int, []byte) error {
	return func(status int, body []byte) error {
		if status != want {
			return fmt.Errorf("answered %d, want %d: %.200s", status, want, body)
		}
		return nil
	}
}

// scenarios are the measured requests, reads first: the writes change the
// data a little (a few thousand rows among millions).
func scenarios(shell string, pop *Population, tokens map[string]string) []Scenario {
	get := func(path, token string, cookie bool) func(int) (*http.Request, error) {
		return func(int) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodGet, shell+path, nil)
			if err != nil {
				return nil, err
			}
			if cookie {
				req.Header.Set("Cookie", "murmur_session="+token)
			} else {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			return req, nil
		}
	}
	// The writers take turns, so no one person's rows are the only ones hot.
	writer := func(i int) (Account, string) {
		w := pop.Writers[i%len(pop.Writers)]
		return w, tokens[w.ID]
	}
	write := func(method, path, token string, body any) (*http.Request, error) {
		var b []byte
		if body != nil {
			b, _ = json.Marshal(body)
		}
		req, err := http.NewRequest(method, shell+path, bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		return req, nil
	}
	heavy, light, huge := tokens[pop.Heavy.ID], tokens[pop.Light.ID], tokens[pop.Huge.ID]
	var out []Scenario
	for _, r := range []struct {
		who   string
		token string
	}{{"heavy", heavy}, {"light", light}} {
		out = append(out, Scenario{
			Name: "home page, " + r.who, Limit: limitSSI, Rate: 200,
			Request: get("/", r.token, true), Check: pageCheck(`id="tweet-`),
		})
	}
	for _, r := range []struct {
		who, token, sort string
	}{{"heavy", heavy, "recent"}, {"heavy", heavy, "popular"}, {"light", light, "recent"}, {"light", light, "popular"},
		{"huge", huge, "recent"}, {"huge", huge, "popular"}} {
		out = append(out, Scenario{
			Name: fmt.Sprintf("timeline API %s, %s", r.sort, r.who), Limit: limitProxy, Rate: 500,
			Request: get("/timeline/api/home?sort="+r.sort, r.token, false), Check: listCheck,
		})
	}
	out = append(out,
		Scenario{
			Name: "user page /u/<handle>", Limit: limitSSI, Rate: 200,
			Request: func(i int) (*http.Request, error) {
				return get("/u/"+pop.Others()[i%len(pop.Others())].Handle, light, true)(i)
			},
			Check: pageCheck(`id="user-card"`),
		},
		Scenario{
			Name: "people search", Limit: limitProxy, Rate: 500,
			Request: func(i int) (*http.Request, error) {
				// The first four letters of someone's handle: about ten
				// people share them in the standard seed.
				h := pop.Others()[i%len(pop.Others())].Handle
				return get("/profile/api/users?q="+h[:min(4, len(h))], light, false)(i)
			},
			Check: listCheck,
		},
		Scenario{
			Name: "post a tweet", Limit: limitProxy, Rate: 500,
			Request: func(i int) (*http.Request, error) {
				_, tok := writer(i)
				return write(http.MethodPost, "/tweets/api/tweets", tok, map[string]any{"text": fmt.Sprintf("load tweet %d #load", i)})
			},
			Check: statusCheck(http.StatusCreated),
		},
		Scenario{
			Name: "like a tweet", Limit: limitProxy, Rate: 500,
			Request: func(i int) (*http.Request, error) {
				_, tok := writer(i)
				id := pop.RecentTweets[rand.IntN(len(pop.RecentTweets))]
				return write(http.MethodPut, "/tweets/api/tweets/"+id+"/like", tok, nil)
			},
			Check: statusCheck(http.StatusNoContent),
		},
		Scenario{
			Name: "follow someone", Limit: limitProxy, Rate: 500,
			Request: func(i int) (*http.Request, error) {
				w, tok := writer(i)
				target := pop.Others()[rand.IntN(len(pop.Others()))]
				if target.ID == w.ID {
					target = pop.Author
				}
				return write(http.MethodPut, "/follow/api/following/"+target.ID, tok, nil)
			},
			Check: statusCheck(http.StatusNoContent),
		},
	)
	return out
}

// only keeps the scenarios named in names, by their slugs (all when names
// is empty). "limits" (always measured) and "live" are names too; any other
// name that names nothing is an error that lists the names there are.
func only(list []Scenario, names []string) ([]Scenario, error) {
	if len(names) == 0 {
		return list, nil
	}
	known := []string{"limits", "live"}
	var out []Scenario
	for _, s := range list {
		known = append(known, slug(s.Name))
		if slices.Contains(names, slug(s.Name)) {
			out = append(out, s)
		}
	}
	for _, n := range names {
		if !slices.Contains(known, n) {
			return nil, fmt.Errorf("no scenario is named %q; the names are %s", n, strings.Join(known, ", "))
		}
	}
	return out, nil
}
