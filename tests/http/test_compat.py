"""The routes of the service msg-server replaces, driven with its clients'
payloads: bare messages and bare arrays, capped at 1000 messages."""
import json

from cases import ApiCase, new_account, new_number, query

CAP = 1000


class CompatTest(ApiCase):
    def old_create(self, account, sender, receiver, headers=None, extra=None):
        payload = {"account_id": account, "sender_number": sender, "receiver_number": receiver}
        payload.update(extra or {})
        return self.srv.request("POST", "/v1/create", body=json.dumps(payload),
                                headers=headers if headers is not None
                                else {"Content-Type": "application/json"})

    def test_root__says_the_service_is_running(self):
        r = self.srv.request("GET", "/")
        self.assertEqual(self.assertJson(r, 200), {"message": "Service is running properly"})

    def test_compat_create__returns_200_with_the_bare_message(self):
        account, sender, receiver = new_account(), new_number(), new_number()
        r = self.old_create(account, sender, receiver)
        m = self.assertJson(r, 200)
        self.assertMessage(m, account, sender, receiver, None)
        got = self.srv.request("GET", "/v1/messages/" + m["message_id"])
        self.assertEqual(self.assertJson(got, 200), m)

    def test_compat_create__accepts_a_request_without_content_type(self):
        account = new_account()
        r = self.old_create(account, "5551234", "5557654", headers={})
        self.assertMessage(self.assertJson(r, 200), account, "5551234", "5557654", None)

    def test_compat_create__ignores_unknown_members(self):
        account = new_account()
        r = self.old_create(account, "5551234", "5557654", extra={"client": "legacy", "v": 2})
        self.assertMessage(self.assertJson(r, 200), account, "5551234", "5557654", None)

    def test_compat_create__rejects_other_content_types_with_415(self):
        r = self.old_create(new_account(), "5551234", "5557654", headers={"Content-Type": "text/plain"})
        self.assertProblem(r, 415)

    def test_compat_create__rejects_an_account_id_that_is_not_an_integer(self):
        for value in ("42", 4.5, None):
            with self.subTest(value=value):
                self.assertProblem(self.old_create(value, "5551234", "5557654"), 422, "account_id")

    def test_compat_create__rejects_a_missing_or_out_of_range_account_id(self):
        r = self.srv.request("POST", "/v1/create",
                             json_body={"sender_number": "5551234", "receiver_number": "5557654"})
        self.assertProblem(r, 422, "account_id")
        self.assertProblem(self.old_create(2**53, "5551234", "5557654"), 422, "account_id")

    def test_compat_create__rejects_an_invalid_number(self):
        self.assertProblem(self.old_create(new_account(), "555-1234", "5557654"), 422, "sender_number")

    def test_compat_create__rejects_malformed_json_with_400(self):
        r = self.srv.request("POST", "/v1/create", body=b"{", headers={"Content-Type": "application/json"})
        self.assertProblem(r, 400)

    def test_compat_list__returns_a_bare_array_newest_first(self):
        account = new_account()
        made = [self.assertJson(self.old_create(account, new_number(), new_number()), 200)
                for _ in range(3)]
        r = self.srv.request("GET", "/v1/get/messages/%d" % account)
        self.assertEqual(self.assertJson(r, 200), list(reversed(made)))

    def test_compat_list__of_an_empty_account_is_an_empty_array(self):
        r = self.srv.request("GET", "/v1/get/messages/%d" % new_account())
        self.assertEqual(self.assertJson(r, 200), [])

    def test_compat_list__rejects_an_account_id_that_is_not_an_integer(self):
        self.assertProblem(self.srv.request("GET", "/v1/get/messages/abc"), 422, "account_id")

    def test_compat_list_and_search__return_at_most_1000_newest_messages(self):
        account, sender = new_account(), new_number()
        conn = self.srv.connection()
        ids = []
        for i in range(CAP + 1):
            r = self.srv.request("POST", "/v1/accounts/%d/messages" % account, conn=conn,
                                 json_body={"sender_number": sender, "receiver_number": "5550000"})
            self.assertEqual(r.status, 201, r)
            ids.append(r.json()["message_id"])
        conn.close()
        listed = self.assertJson(self.srv.request("GET", "/v1/get/messages/%d" % account), 200)
        self.assertEqual([m["message_id"] for m in listed], list(reversed(ids))[:CAP])
        found = self.assertJson(self.srv.request("GET", "/v1/search" + query(sender_number=sender)), 200)
        self.assertEqual([m["message_id"] for m in found], list(reversed(ids))[:CAP])

    def test_compat_search__by_comma_separated_message_ids(self):
        made = [self.created() for _ in range(3)]
        r = self.srv.request("GET", "/v1/search?message_id=%s,%s" % (made[0]["message_id"],
                                                                     made[2]["message_id"]))
        self.assertEqual(self.assertJson(r, 200), [made[2], made[0]])

    def test_compat_search__by_sender_and_receiver(self):
        sender, receiver = new_number(), new_number()
        hit = self.created(sender_number=sender, receiver_number=receiver)
        self.created(sender_number=sender)
        r = self.srv.request("GET", "/v1/search" + query(sender_number=sender, receiver_number=receiver))
        self.assertEqual(self.assertJson(r, 200), [hit])

    def test_compat_search__ignores_unknown_parameters(self):
        made = self.created()
        r = self.srv.request("GET", "/v1/search" + query(message_id=made["message_id"], page=2,
                                                         limit=1, format="json"))
        self.assertEqual(self.assertJson(r, 200), [made])

    def test_compat_search__an_invalid_message_id_is_422(self):
        self.assertProblem(self.srv.request("GET", "/v1/search?message_id=xyz"), 422, "message_id")
