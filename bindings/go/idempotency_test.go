package msg_test

import (
	"errors"
	"testing"

	msg "libmsg/bindings/go"
)

func TestIdempotency_SameContentReplaysTheOriginal(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		in := msg.NewMessage{AccountID: account(), SenderNumber: number(), ReceiverNumber: number(),
			Body: msg.Text("once"), IdempotencyKey: "order-17"}
		first, r1, err1 := s.Create(ctx, in)
		again, r2, err2 := s.Create(ctx, in)
		if err1 != nil || err2 != nil || r1 || !r2 || !sameMessage(*first, *again) {
			t.Fatalf("got %+v %v %v / %+v %v %v", first, r1, err1, again, r2, err2)
		}
		page, _ := s.List(ctx, in.AccountID, msg.PageRequest{})
		wantIDs(t, page.Items, first)
	})
}

func TestIdempotency_OtherContentConflicts(t *testing.T) {
	changes := map[string]func(*msg.NewMessage){
		"body":     func(n *msg.NewMessage) { n.Body = msg.Text("twice") },
		"no body":  func(n *msg.NewMessage) { n.Body = nil },
		"sender":   func(n *msg.NewMessage) { n.SenderNumber = "+15550000" },
		"receiver": func(n *msg.NewMessage) { n.ReceiverNumber = "+15550001" },
	}
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		for name, change := range changes {
			in := msg.NewMessage{AccountID: account(), SenderNumber: number(), ReceiverNumber: number(),
				Body: msg.Text("once"), IdempotencyKey: "k-1"}
			if _, _, err := s.Create(ctx, in); err != nil {
				t.Fatal(err)
			}
			change(&in)
			m, replayed, err := s.Create(ctx, in)
			var e *msg.Error
			if m != nil || replayed || !errors.Is(err, msg.ErrConflict) || !errors.As(err, &e) ||
				e.Field != "idempotency_key" || e.Status != msg.StatusConflict {
				t.Fatalf("%s: got %+v %v %v", name, m, replayed, err)
			}
		}
	})
}

func TestIdempotency_KeysAreScopedToTheAccount(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		in := msg.NewMessage{AccountID: account(), SenderNumber: number(), ReceiverNumber: number(),
			IdempotencyKey: "k"}
		a, _, err1 := s.Create(ctx, in)
		in.AccountID = account()
		b, replayed, err2 := s.Create(ctx, in)
		if err1 != nil || err2 != nil || replayed || a.MessageID == b.MessageID {
			t.Fatalf("got %v %v %v %v", a, b, err1, err2)
		}
	})
}
