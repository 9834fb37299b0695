package services

import (
	"bytes"
	_ "embed"
	"fmt"
	"text/template"
)

// The container files follow the list: `make configs` writes them from
// it, and a test fails while the committed ones differ.

//go:embed compose.yml.tmpl
var composeTemplate string

//go:embed prometheus.yml.tmpl
var prometheusTemplate string

// ComposeFile is the path of docker-compose.yml in the repository.
const ComposeFile = "docker-compose.yml"

// PrometheusFile is the path of Prometheus' configuration in the repository.
const PrometheusFile = "docker/prometheus.yml"

// Compose renders docker-compose.yml for the list: a container per
// service with its data volume, the shell, Redis, Prometheus and Grafana.
func Compose(l List) ([]byte, error) { return execute("compose", composeTemplate, l) }

// Prometheus renders Prometheus' configuration: one scrape job per
// service, on its own /<name>/metrics.
func Prometheus(l List) ([]byte, error) { return execute("prometheus", prometheusTemplate, l) }

// Configs are the generated files by repository path.
func Configs(l List) (map[string][]byte, error) {
	compose, err := Compose(l)
	if err != nil {
		return nil, err
	}
	prom, err := Prometheus(l)
	if err != nil {
		return nil, err
	}
	return map[string][]byte{ComposeFile: compose, PrometheusFile: prom}, nil
}

func execute(name, text string, l List) ([]byte, error) {
	t, err := template.New(name).Parse(text)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, l); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}
