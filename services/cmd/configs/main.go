// Command configs writes docker-compose.yml and docker/prometheus.yml from
// the list of services (services/services.json); `make configs` runs it
// from the repository's root.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"murmur/services"
)

func main() {
	files, err := services.Configs(services.All())
	if err != nil {
		fmt.Fprintln(os.Stderr, "configs:", err)
		os.Exit(1)
	}
	for path, data := range files {
		if err := os.WriteFile(filepath.FromSlash(path), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "configs:", err)
			os.Exit(1)
		}
		fmt.Println("wrote", path)
	}
}
