package msg_test

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	msg "libmsg/bindings/go"
)

const goroutines = 8

func TestConcurrency_CreatesFromManyGoroutinesAreAllStoredOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		acct, from, to := account(), number(), number()
		const each = 25
		made := make([][]string, goroutines)
		errs := make(chan error, goroutines)
		var wg sync.WaitGroup
		for g := 0; g < goroutines; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					m, _, err := s.Create(ctx, msg.NewMessage{AccountID: acct, SenderNumber: from,
						ReceiverNumber: to, Body: msg.Text(fmt.Sprintf("g%d m%d", g, i))})
					if err != nil {
						errs <- err
						return
					}
					made[g] = append(made[g], m.MessageID)
				}
			}(g)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var want, got []string
		for _, ms := range made {
			want = append(want, ms...)
		}
		var listed []msg.Message
		for it := s.ListPages(acct, 37); it.Next(ctx); {
			listed = append(listed, it.Page().Items...)
		}
		for i, m := range listed {
			got = append(got, m.MessageID)
			if i > 0 && !m.CreatedAt.Before(listed[i-1].CreatedAt) {
				t.Fatalf("message %d is not older than the one before it", i)
			}
		}
		sort.Strings(want)
		sort.Strings(got)
		if fmt.Sprint(got) != fmt.Sprint(want) || len(got) != goroutines*each {
			t.Fatalf("listed %d messages, created %d", len(got), len(want))
		}
	})
}

func TestConcurrency_OneKeyRacedGivesOneMessage(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		in := msg.NewMessage{AccountID: account(), SenderNumber: number(), ReceiverNumber: number(),
			Body: msg.Text("race"), IdempotencyKey: "race-key"}
		var wg sync.WaitGroup
		var mu sync.Mutex
		start := make(chan struct{})
		idsSeen := map[string]bool{}
		fresh := 0
		for g := 0; g < goroutines; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				m, replayed, err := s.Create(ctx, in)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Error(err)
					return
				}
				idsSeen[m.MessageID] = true
				if !replayed {
					fresh++
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(idsSeen) != 1 || fresh != 1 {
			t.Fatalf("%d ids, %d fresh creates; want 1 and 1", len(idsSeen), fresh)
		}
	})
}

func TestConcurrency_CloseWaitsForCallsInFlight(t *testing.T) {
	for name, uri := range storeURIs() {
		uri := uri
		t.Run(name, func(t *testing.T) {
			if uri == "" {
				t.Skip("MSG_TEST_PG_URI is not set")
			}
			s, err := msg.Open(uri)
			if err != nil {
				t.Fatal(err)
			}
			acct := account()
			var wg sync.WaitGroup
			started := make(chan struct{}, goroutines)
			ends := make(chan error, goroutines)
			for g := 0; g < goroutines; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						_, _, err := s.Create(ctx, msg.NewMessage{AccountID: acct, SenderNumber: number(), ReceiverNumber: number()})
						if err == nil {
							_, err = s.List(ctx, acct, msg.PageRequest{Limit: 5})
						}
						if i == 0 {
							started <- struct{}{}
						}
						if err != nil {
							ends <- err
							return
						}
					}
				}()
			}
			for g := 0; g < goroutines; g++ {
				<-started
			}
			s.Close()
			wg.Wait()
			close(ends)
			for err := range ends {
				if !errors.Is(err, msg.ErrClosed) {
					t.Fatalf("a goroutine ended with %v, want ErrClosed", err)
				}
			}
		})
	}
}
