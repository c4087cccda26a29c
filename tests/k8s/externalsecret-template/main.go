// Renders the ExternalSecret's URL template the way External Secrets' v2
// template engine does: Go's text/template with sprig v3's functions (Debian's
// golang-github-masterminds-sprig-dev; External Secrets uses the same library
// and takes env and expandenv out), from a username and password such as an
// RDS-managed secret holds, and prints the result. check-manifests then
// parses it back.
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go run main.go TEMPLATE USERNAME PASSWORD
package main

import (
	"fmt"
	"os"
	"text/template"

	sprig "github.com/Masterminds/sprig" // sprig v3 (Debian installs it at this GOPATH path)
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: main.go TEMPLATE USERNAME PASSWORD")
		os.Exit(2)
	}
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	t, err := template.New("url").Funcs(funcs).Option("missingkey=error").Parse(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "parse:", err)
		os.Exit(1)
	}
	data := map[string]string{"username": os.Args[2], "password": os.Args[3]}
	if err := t.Execute(os.Stdout, data); err != nil {
		fmt.Fprintln(os.Stderr, "execute:", err)
		os.Exit(1)
	}
}
