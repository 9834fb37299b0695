// Command murmur starts, stops and reports on the whole product on this
// machine: `murmur start` (what `make start` runs), `murmur stop`, `murmur status`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"murmur/nginx"
	"murmur/shell"
	"murmur/stack"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	dir := fs.String("dir", ".murmur", "folder for data, logs and pid files")
	bin := fs.String("bin", "bin", "folder of the service binaries")
	fs.Parse(os.Args[2:])

	switch os.Args[1] {
	case "start":
		if running := stack.Running(*dir); len(running) > 0 {
			fmt.Printf("murmur is already running (%d processes); `make stop` first to restart it.\n", len(running))
			fmt.Println("open http://localhost:4040")
			return
		}
		opts := stack.DefaultOptions(*dir, *bin)
		opts.Detach = true
		opts.RedisURL = os.Getenv("REDIS_URL")
		if p := os.Getenv("MURMUR_REDIS_PORT"); p != "" {
			opts.RedisPort, _ = strconv.Atoi(p)
		}
		s, err := stack.Start(context.Background(), opts)
		if err != nil {
			fmt.Fprintln(os.Stderr, "murmur: start failed:", err)
			os.Exit(1)
		}
		for _, p := range s.Processes {
			fmt.Printf("  started %-10s log: %s\n", p.Name, p.Log)
		}
		fmt.Printf("murmur is running: %s  (logs in %s/logs, `make stop` to end it)\n", "http://localhost:4040", *dir)
	case "render":
		// For the shell's container image: the pages, static files and an
		// nginx.conf whose upstreams are other containers.
		if err := render(fs.Args()); err != nil {
			fmt.Fprintln(os.Stderr, "murmur: render:", err)
			os.Exit(1)
		}
	case "stop":
		stopped := stack.StopDir(*dir)
		if len(stopped) == 0 {
			fmt.Println("murmur was not running")
			return
		}
		fmt.Println("stopped:", stopped)
	case "status":
		running := stack.Running(*dir)
		if len(running) == 0 {
			fmt.Println("murmur is not running")
			return
		}
		var names []string
		for n := range running {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Printf("  %-10s pid %d\n", n, running[n])
		}
	default:
		usage()
	}
}

// render writes site/ and nginx.conf into an output folder. Arguments:
// OUT LISTEN service=host:port ... (several of one service run instances).
func render(args []string) error {
	if len(args) < 2 {
		return errors.New("usage: murmur render OUT LISTEN profile=host:port tweets=host:port (and follow, timeline)")
	}
	out, listen := args[0], args[1]
	addrs := map[string][]string{}
	for _, a := range args[2:] {
		name, addr, ok := strings.Cut(a, "=")
		if !ok {
			return fmt.Errorf("%q is not service=host:port", a)
		}
		addrs[name] = append(addrs[name], addr)
	}
	if err := shell.Render(filepath.Join(out, "site")); err != nil {
		return err
	}
	var ups []nginx.Upstream
	for _, name := range nginx.Services {
		if len(addrs[name]) == 0 {
			return fmt.Errorf("no address for %s", name)
		}
		ups = append(ups, nginx.Upstream{Name: name, Addrs: addrs[name]})
	}
	return nginx.WriteFile(filepath.Join(out, "nginx.conf"), nginx.Config{
		Listen: listen, SiteDir: "/srv/murmur/site", RunDir: "/var/lib/murmur-nginx", LogDir: "/var/log/nginx",
		Upstreams: ups, User: "www-data",
	})
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: murmur start|stop|status [-dir .murmur] [-bin bin]\n       murmur render OUT LISTEN service=host:port ...")
	os.Exit(2)
}
