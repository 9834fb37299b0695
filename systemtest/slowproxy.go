package systemtest

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"murmur/stack"
)

// SlowProxy is a real TCP proxy between nginx and a service that can hold
// every piece of the service's answers for a while before passing it on:
// the service, as nginx sees it, turns slow, while the service itself is
// the real one, unchanged.
type SlowProxy struct {
	ln       net.Listener
	target   atomic.Pointer[string]
	delay    atomic.Int64
	accepted atomic.Int64
	done     chan struct{}
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    map[net.Conn]struct{}
}

// NewSlowProxy listens on a free loopback port until the test ends. It
// passes nothing on until To names the service's address.
func NewSlowProxy(tb testing.TB) *SlowProxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("slow proxy: %v", err)
	}
	p := &SlowProxy{ln: ln, done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	tb.Cleanup(p.close)
	return p
}

// Addr is the proxy's own address.
func (p *SlowProxy) Addr() string { return p.ln.Addr().String() }

// To makes the proxy pass connections to addr (host:port).
func (p *SlowProxy) To(addr string) { p.target.Store(&addr) }

// SetDelay holds each piece of an answer that arrives from now on for d.
func (p *SlowProxy) SetDelay(d time.Duration) { p.delay.Store(int64(d)) }

// Accepted counts the connections the proxy has taken.
func (p *SlowProxy) Accepted() int64 { return p.accepted.Load() }

// InFrontOf makes nginx reach a service through the given proxies (one
// upstream server each) instead of directly.
func InFrontOf(service string, proxies ...*SlowProxy) StackOption {
	return func(o *stack.Options) {
		if o.ShellUpstreams == nil {
			o.ShellUpstreams = map[string][]string{}
		}
		for _, p := range proxies {
			o.ShellUpstreams[service] = append(o.ShellUpstreams[service], p.Addr())
		}
	}
}

func (p *SlowProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.accepted.Add(1)
		p.wg.Add(1)
		go p.relay(c)
	}
}

// track remembers an open connection so close can end it; it reports
// false once the proxy is closing.
func (p *SlowProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.done:
		c.Close()
		return false
	default:
		p.conns[c] = struct{}{}
		return true
	}
}

func (p *SlowProxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// relay passes requests on at once and answers back piece by piece, each
// held for the delay set when it arrived.
func (p *SlowProxy) relay(client net.Conn) {
	defer p.wg.Done()
	if !p.track(client) {
		return
	}
	defer p.untrack(client)
	target := p.target.Load()
	if target == nil {
		return
	}
	service, err := net.DialTimeout("tcp", *target, time.Second)
	if err != nil || !p.track(service) {
		return
	}
	defer p.untrack(service)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		io.Copy(service, client)
		service.(*net.TCPConn).CloseWrite()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := service.Read(buf)
		if n > 0 {
			if d := time.Duration(p.delay.Load()); d > 0 {
				select {
				case <-time.After(d):
				case <-p.done:
					return
				}
			}
			if _, err := client.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *SlowProxy) close() {
	p.mu.Lock()
	close(p.done)
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.ln.Close()
	p.wg.Wait()
}
