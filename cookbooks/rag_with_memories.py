"""``MemoryRetriever`` in an LCEL chain: answer with what the user told you before.

Runs offline; the "model" is a scripted stand-in that answers from its context, so the
output shows exactly which memories the retriever put into the prompt.

    python cookbooks/rag_with_memories.py
"""

from __future__ import annotations

from typing import Any

from langchain_core.documents import Document
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough

from langmem_extract import MemoryRetriever, extract_memories, open_store

NAMESPACE = ("memories", "maya")


class ContextEcho(BaseChatModel):
    """Stands in for a real model: answers by quoting the memories in its prompt."""

    @property
    def _llm_type(self) -> str:
        return "context-echo"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, **_: Any) -> ChatResult:
        system = str(messages[0].text)
        facts = [line[2:] for line in system.splitlines() if line.startswith("- ")]
        reply = "From what you told me: " + " ".join(facts) if facts else "I don't know yet."
        return ChatResult(generations=[ChatGeneration(message=AIMessage(reply))])


def format_docs(docs: list[Document]) -> str:
    return "\n".join(f"- {d.page_content}" for d in docs)


def main() -> None:
    with open_store(":memory:") as store:
        run(store)


def run(store: Any) -> None:
    extract_memories(
        [
            {"role": "user", "content": "I'm vegetarian and I live in Lisbon."},
            {"role": "assistant", "content": "Noted!"},
            {"role": "user", "content": "I play chess on Sundays."},
        ],
        store=store,
        namespace=NAMESPACE,
    )

    # Pure similarity here; the default blends in importance and recency.
    retriever = MemoryRetriever(store=store, namespace=NAMESPACE, k=2, weights=(1, 0, 0))
    prompt = ChatPromptTemplate.from_messages(
        [
            ("system", "Answer using these memories about the user:\n{memories}"),
            ("human", "{question}"),
        ]
    )
    chain = (
        {"memories": retriever | format_docs, "question": RunnablePassthrough()}
        | prompt
        | ContextEcho()
        | StrOutputParser()
    )

    question = "What should I cook for dinner?"
    for doc in retriever.invoke(question):
        print(f"retrieved: {doc.page_content} (score {doc.metadata['score']:.3f})")
    print("question:", question)
    print("answer  :", chain.invoke(question))


if __name__ == "__main__":
    main()
