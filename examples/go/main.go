// quickstart: examples/quickstart.c in Go, through the libmsg binding.
//
// Opens a store (in-memory SQLite unless a URI is given), creates three
// messages for one account, lists them two a page (newest first) and finds
// one by a word of its body.
//
//	PKG_CONFIG_PATH=... go run . [URI]     (see bindings/README.md)
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	msg "libmsg/bindings/go"
)

const account = 42

func printMessages(ms []msg.Message) {
	for _, m := range ms {
		body := "(no body)"
		if m.Body != nil {
			body = *m.Body
		}
		fmt.Printf("  %s %s -> %s: %s\n", m.CreatedAt.Format("2006-01-02T15:04:05.000000Z"),
			m.SenderNumber, m.ReceiverNumber, body)
	}
}

func run(ctx context.Context, uri string) error {
	store, err := msg.Open(uri)
	if err != nil {
		return err
	}
	defer store.Close()

	for _, body := range []*string{msg.Text("Coffee at ten?"), msg.Text("Running late, sorry"), nil} {
		m, _, err := store.Create(ctx, msg.NewMessage{AccountID: account,
			SenderNumber: "+15550100", ReceiverNumber: "+15550199", Body: body})
		if err != nil {
			return err
		}
		fmt.Printf("created %s\n", m.MessageID)
	}

	// The walker reads one page per Next, following each page's cursor.
	pages := store.ListPages(account, 2)
	for n := 1; pages.Next(ctx); n++ {
		fmt.Printf("account %d, page %d: %d message(s)\n", account, n, len(pages.Page().Items))
		printMessages(pages.Page().Items)
	}
	if err := pages.Err(); err != nil {
		return err
	}

	found, err := store.Search(ctx, msg.Filter{AccountIDs: []int64{account}, Q: "COFFEE"}, msg.PageRequest{})
	if err != nil {
		return err
	}
	fmt.Printf("search \"COFFEE\": %d message(s)\n", len(found.Items))
	printMessages(found.Items)
	return nil
}

func main() {
	uri := "sqlite::memory:"
	if len(os.Args) > 1 {
		uri = os.Args[1]
	}
	if err := run(context.Background(), uri); err != nil {
		var inv *msg.InvalidError
		if errors.As(err, &inv) {
			fmt.Fprintf(os.Stderr, "quickstart: invalid %s: %s\n", inv.Field, inv.Message)
		} else {
			fmt.Fprintf(os.Stderr, "quickstart: %v\n", err)
		}
		os.Exit(1)
	}
}
