package msg_test

import (
	"errors"
	"strings"
	"testing"

	msg "libmsg/bindings/go"
)

func TestGet_FindsByIDInAnyCase(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		m := create(t, s, account(), number(), number(), msg.Text("case"))
		got, err := s.Get(ctx, strings.ToUpper(m.MessageID))
		if err != nil || !sameMessage(*got, *m) {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
}

func TestGet_AbsentIDIsNotFound(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		m, err := s.Get(ctx, "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11")
		var e *msg.Error
		if m != nil || !errors.Is(err, msg.ErrNotFound) || !errors.As(err, &e) || e.Status != msg.StatusNotFound {
			t.Fatalf("got %+v, %v", m, err)
		}
		if errors.Is(err, msg.ErrInvalid) {
			t.Fatal("a not-found error also matches ErrInvalid")
		}
	})
}

func TestGet_MalformedIDIsInvalidMessageID(t *testing.T) {
	eachStore(t, func(t *testing.T, s *msg.Store, _ string) {
		for _, bad := range []string{"", "not-a-uuid", "0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a1",
			"0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11\x00junk"} {
			_, err := s.Get(ctx, bad)
			wantInvalid(t, err, "message_id")
		}
	})
}
