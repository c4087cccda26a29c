"""GET /v1/accounts/{account_id}/messages (list, with pagination walks) and
GET /v1/messages/{message_id}."""
import uuid

from cases import ApiCase, new_account, query


class ListTest(ApiCase):
    def test_list__returns_the_accounts_messages_newest_first(self):
        account = new_account()
        made = [self.created(account, body="m%d" % i) for i in range(3)]
        self.created(new_account(), body="another account")
        page = self.assertPage(self.srv.request("GET", "/v1/accounts/%d/messages" % account))
        self.assertEqual(page["data"], list(reversed(made)))
        self.assertIsNone(page["next_cursor"])

    def test_list__of_an_empty_account_is_an_empty_last_page(self):
        page = self.assertPage(self.srv.request("GET", "/v1/accounts/%d/messages" % new_account()))
        self.assertEqual(page, {"data": [], "next_cursor": None})

    def test_list__walk_visits_every_message_once(self):
        account = new_account()
        made = [self.created(account, body=str(i)) for i in range(7)]
        pages = self.walk("/v1/accounts/%d/messages" % account, 3)
        self.assertEqual([len(p["data"]) for p in pages], [3, 3, 1])
        walked = [m for p in pages for m in p["data"]]
        self.assertEqual(walked, list(reversed(made)))

    def test_list__walk_of_an_exact_multiple_ends_on_a_full_or_empty_page(self):
        account = new_account()
        made = [self.created(account) for _ in range(4)]
        pages = self.walk("/v1/accounts/%d/messages" % account, 2)
        walked = [m for p in pages for m in p["data"]]
        self.assertEqual(walked, list(reversed(made)))
        self.assertIn(len(pages), (2, 3))
        self.assertTrue(all(len(p["data"]) == 2 for p in pages[:2]))

    def test_list__walk_is_not_disturbed_by_new_messages(self):
        account = new_account()
        made = [self.created(account) for _ in range(4)]
        first = self.assertPage(self.srv.request("GET", "/v1/accounts/%d/messages?limit=2" % account))
        self.created(account)
        rest = self.walk("/v1/accounts/%d/messages?cursor=%s" % (account, first["next_cursor"]), 2)
        walked = first["data"] + [m for p in rest for m in p["data"]]
        self.assertEqual(walked, list(reversed(made)))

    def test_list__limit_outside_1_to_1000_is_422_naming_limit(self):
        for limit in ("0", "1001", "-3", "ten", "1.5"):
            with self.subTest(limit=limit):
                r = self.srv.request("GET", "/v1/accounts/1/messages?limit=" + limit)
                self.assertProblem(r, 422, "limit")

    def test_list__limit_1000_is_accepted(self):
        self.assertPage(self.srv.request("GET", "/v1/accounts/1/messages?limit=1000"))

    def test_list__a_damaged_cursor_is_422_naming_cursor(self):
        r = self.srv.request("GET", "/v1/accounts/1/messages?cursor=not-a-cursor")
        self.assertProblem(r, 422, "cursor")

    def test_list__a_cursor_from_another_account_is_422(self):
        account = new_account()
        for _ in range(2):
            self.created(account)
        page = self.assertPage(self.srv.request("GET", "/v1/accounts/%d/messages?limit=1" % account))
        r = self.srv.request("GET", "/v1/accounts/%d/messages%s" % (new_account(),
                                                                   query(cursor=page["next_cursor"])))
        self.assertProblem(r, 422, "cursor")

    def test_list__an_unknown_parameter_is_400(self):
        r = self.srv.request("GET", "/v1/accounts/1/messages?limt=5")
        self.assertProblem(r, 400, "limt")

    def test_list__a_repeated_limit_is_400(self):
        r = self.srv.request("GET", "/v1/accounts/1/messages?limit=5&limit=6")
        self.assertProblem(r, 400, "limit")

    def test_list__a_bad_percent_escape_is_400(self):
        for qs in ("limit=%zz", "limit=%4", "cursor=%00", "cursor=%ff"):
            with self.subTest(qs=qs):
                self.assertProblem(self.srv.request("GET", "/v1/accounts/1/messages?" + qs), 400)

    def test_list__an_empty_parameter_is_the_same_as_none(self):
        page = self.assertPage(self.srv.request("GET", "/v1/accounts/%d/messages?limit=&cursor="
                                                % new_account()))
        self.assertEqual(page, {"data": [], "next_cursor": None})


class GetTest(ApiCase):
    def test_get__returns_the_message(self):
        made = self.created(body="find me")
        r = self.srv.request("GET", "/v1/messages/" + made["message_id"])
        self.assertEqual(self.assertJson(r, 200), made)

    def test_get__accepts_the_id_in_upper_case(self):
        made = self.created()
        r = self.srv.request("GET", "/v1/messages/" + made["message_id"].upper())
        self.assertEqual(self.assertJson(r, 200), made)

    def test_get__an_unknown_id_is_404(self):
        r = self.srv.request("GET", "/v1/messages/" + str(uuid.uuid4()))
        self.assertProblem(r, 404)

    def test_get__an_id_that_is_not_a_uuid_is_422_naming_message_id(self):
        for bad in ("nope", "01a224f6-0eae-7d5c-a42c-392949bb69d", "%20"):
            with self.subTest(id=bad):
                self.assertProblem(self.srv.request("GET", "/v1/messages/" + bad), 422, "message_id")

    def test_get__an_escaped_slash_stays_inside_the_parameter(self):
        r = self.srv.request("GET", "/v1/messages/a%2Fb")
        self.assertProblem(r, 422, "message_id")
