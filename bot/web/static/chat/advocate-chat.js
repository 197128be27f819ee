/*
 * The chat page around the rasa-webchat widget (bot/web/widget.py serves the page).
 *
 * The widget keeps the conversation (its session id and the messages shown) in the browser's
 * storage under "chat_session", so a reload shows the same conversation and Rasa continues it.
 * The session id is the server's: the page comes with a fresh signed session (config.session),
 * offered to the socket server in the socket URL; the server binds the browser to the session it
 * already keeps (a reload) or else to that one, and the widget stores what the server confirms.
 * An id made up in the browser is never accepted (bot/channels/socketio.py).
 * This script adds:
 *  - "Keep this chat only in this tab": the widget's sessionStorage mode, for shared computers
 *    (the chat is gone when the tab closes). The choice itself is kept in sessionStorage too, so a
 *    new tab starts in the default, localStorage mode; switching moves the current chat across.
 *  - "Clear this chat from this device": forgets the conversation in this browser (not on the
 *    server; "delete my data" in the chat does that).
 *  - "Talk to a person", always in view above the chat.
 *  - A connection-lost notice. socket.io reconnects by itself; meanwhile the widget disables its
 *    message box (the draft stays in it), and replies sent to this chat while it was away (the
 *    bot's, an advocate's) are held by the server and delivered on reconnection
 *    (bot/channels/socketio.py).
 *  - Keyboard access to the widget's buttons (rendered as <div>s without a tab stop).
 */
(function () {
  "use strict";

  var CHAT_KEY = "chat_session"; // rasa-webchat's storage key
  var MODE_KEY = "advocate-chat-storage";
  var HANDOFF_PAYLOAD = "/human_handoff";
  var HANDOFF_TEXT = "Talk to a person";

  var config = JSON.parse(document.getElementById("advocate-chat-config").textContent);
  var status = document.getElementById("connection-status");
  var chat = document.getElementById("chat");
  var connected = false;

  function storageWorks(kind) {
    try {
      var storage = window[kind];
      storage.setItem("advocate-chat-probe", "1");
      storage.removeItem("advocate-chat-probe");
      return true;
    } catch (error) {
      return false; // private mode or storage disabled: the chat still works, without reloads
    }
  }

  function tabOnly() {
    return storageWorks("sessionStorage") && window.sessionStorage.getItem(MODE_KEY) === "session";
  }

  function moveChat(from, to) {
    var saved = from.getItem(CHAT_KEY);
    if (saved !== null) {
      to.setItem(CHAT_KEY, saved);
    }
    from.removeItem(CHAT_KEY);
  }

  function setTabOnly(on) {
    if (on) {
      moveChat(window.localStorage, window.sessionStorage);
      window.sessionStorage.setItem(MODE_KEY, "session");
    } else {
      moveChat(window.sessionStorage, window.localStorage);
      window.sessionStorage.removeItem(MODE_KEY);
    }
    window.location.reload(); // the widget reads its storage mode once, when it starts
  }

  function showStatus(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  // The widget's handle (innerRef): sendMessage(payload, text) sends the payload to Rasa and
  // shows the text as the person's message, in the chat and in its stored history.
  var widget = { current: null };

  function talkToPerson() {
    if (!widget.current || typeof widget.current.sendMessage !== "function") {
      showStatus("The chat is still starting; please try again in a moment.");
      return;
    }
    widget.current.sendMessage(HANDOFF_PAYLOAD, HANDOFF_TEXT);
    var box = chat.querySelector(".rw-new-message");
    if (box) {
      box.focus(); // keyboard users land where the advocate's reply will be answered
    }
  }

  // --- keyboard access to the widget's buttons -------------------------------------------

  function makeKeyboardReachable(root) {
    var buttons = root.querySelectorAll(".rw-reply:not([tabindex])");
    Array.prototype.forEach.call(buttons, function (button) {
      if (button.tagName === "A") {
        return; // links are focusable already
      }
      button.setAttribute("role", "button");
      button.setAttribute("tabindex", "0");
      button.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          button.click();
        }
      });
    });
    var box = root.querySelector(".rw-new-message");
    if (box && !box.getAttribute("aria-label")) {
      box.setAttribute("aria-label", "Your message");
    }
    var send = root.querySelector(".rw-send");
    if (send && !send.getAttribute("aria-label")) {
      send.setAttribute("aria-label", "Send");
    }
    var log = root.querySelector(".rw-messages-container");
    if (log && !log.getAttribute("role")) {
      log.setAttribute("role", "log");
      log.setAttribute("aria-live", "polite");
    }
  }

  function start() {
    if (!window.WebChat || typeof window.WebChat.default !== "function") {
      showStatus("The chat could not load. Please reload the page. If it's an emergency, call 911.");
      return;
    }
    var tabOnlyBox = document.getElementById("this-tab-only");
    tabOnlyBox.checked = tabOnly();
    tabOnlyBox.disabled = !storageWorks("sessionStorage") || !storageWorks("localStorage");
    tabOnlyBox.addEventListener("change", function () {
      setTabOnly(tabOnlyBox.checked);
    });
    document.getElementById("clear-chat").addEventListener("click", function () {
      if (window.confirm("Clear this chat from this device? Your saved questions stay with the advocate.")) {
        [window.localStorage, window.sessionStorage].forEach(function (storage) {
          storage.removeItem(CHAT_KEY);
        });
        window.location.reload();
      }
    });
    document.getElementById("talk-to-person").addEventListener("click", talkToPerson);

    new MutationObserver(function () {
      makeKeyboardReachable(chat);
    }).observe(chat, { childList: true, subtree: true });

    window.setTimeout(function () {
      if (!connected) {
        showStatus("Still connecting to the chat… If it's an emergency, call 911.");
      }
    }, 8000);

    var offer = config.sessionParam + "=" + encodeURIComponent(config.session);
    window.WebChat.default(
      {
        socketUrl: config.socketUrl + (config.socketUrl.indexOf("?") < 0 ? "?" : "&") + offer,
        socketPath: config.socketPath,
        initPayload: config.initPayload,
        title: config.title,
        subtitle: config.subtitle,
        inputTextFieldHint: config.inputTextFieldHint,
        connectingText: config.connectingText,
        embedded: true,
        showCloseButton: false,
        hideWhenNotConnected: false,
        withRules: false,
        innerRef: widget,
        params: { storage: tabOnly() ? "session" : "local" },
        customMessageDelay: function () {
          return 300;
        },
        onSocketEvent: {
          connect: function () {
            connected = true;
            showStatus("");
          },
          disconnect: function () {
            connected = false;
            showStatus(
              "Connection lost. Reconnecting… Nothing is lost: what you typed stays in the box, and " +
                "replies sent meanwhile appear here as soon as the connection is back."
            );
          },
          connect_error: function () {
            if (!connected) {
              showStatus("Can't reach the chat right now. Retrying… If it's an emergency, call 911.");
            }
          },
        },
      },
      chat
    );
  }

  start();
})();
